// A SCORM 2004 SCO for the player's tests. On opening it says how it was entered and notes, in
// memory only, that it was read. "Note and continue" stores the most suspend data SCORM allows,
// a location and a suspend, and terminates asking to continue: the player must store all of it
// before the next part loads. Left any other way, it neither commits nor terminates.
function findApi(win) {
  for (var hops = 0; win && hops < 10; hops++) {
    if (win.API_1484_11) return win.API_1484_11;
    if (win.parent === win) break;
    win = win.parent;
  }
  return null;
}
var api = findApi(window);
var state = document.getElementById("state");
if (!api) {
  state.textContent = "No API";
} else {
  api.Initialize("");
  state.textContent = "Entry: " + api.GetValue("cmi.entry") + ", at: " + api.GetValue("cmi.location");
  api.SetValue("cmi.location", document.title + " read");
  api.SetValue("cmi.completion_status", "incomplete");
  document.getElementById("continue").addEventListener("click", function () {
    var notes = "";
    while (notes.length < 64000) notes += "0123456789abcdef";
    api.SetValue("cmi.suspend_data", notes);
    api.SetValue("cmi.location", "page-3");
    api.SetValue("cmi.exit", "suspend");
    api.SetValue("adl.nav.request", "continue");
    api.Terminate("");
  });
}
