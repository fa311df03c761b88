// A SCORM 2004 SCO for the tests: says how it was entered, and either suspends (the learner
// leaves part-way, back to the lesson) or finishes passed and asks to go on: to the next part
// where the platform allows it, else back to the lesson.
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
  document.getElementById("leave").addEventListener("click", function () {
    api.SetValue("cmi.location", "half-way");
    api.SetValue("cmi.completion_status", "incomplete");
    api.SetValue("cmi.exit", "suspend");
    api.SetValue("adl.nav.request", "suspendAll");
    api.Terminate("");
    state.textContent = "Suspended";
  });
  document.getElementById("finish").addEventListener("click", function () {
    api.SetValue("cmi.completion_status", "completed");
    api.SetValue("cmi.success_status", "passed");
    api.SetValue("cmi.score.scaled", "0.8");
    api.SetValue("cmi.exit", "normal");
    var onwards = api.GetValue("adl.nav.request_valid.continue") === "true";
    api.SetValue("adl.nav.request", onwards ? "continue" : "exitAll");
    api.Terminate("");
    state.textContent = "Finished";
  });
}
