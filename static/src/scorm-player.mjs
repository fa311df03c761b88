// The SCORM player: puts scorm-again's runtime where a SCO looks for it (window.API for SCORM 1.2,
// window.API_1484_11 for 2004), loads the CMI data the platform gave the page, then opens the SCO
// in the frame below, on this same origin, so that the SCO finds the API by walking up parents.
// Commits go to the attempt's commit address on this origin; a preview has none and keeps
// everything in memory.
import { Scorm12API } from "scorm-again/scorm12";
import { Scorm2004API } from "scorm-again/scorm2004";

const settings = JSON.parse(document.getElementById("scorm-settings").textContent);
const frame = document.querySelector("[data-scorm-frame]");
const status = document.getElementById("scorm-status");
const scorm12 = settings.version === "1.2";

const api = new (scorm12 ? Scorm12API : Scorm2004API)({
  lmsCommitUrl: settings.commitUrl || false,
  dataCommitFormat: "json",
  autocommit: false,
  fetchMode: "same-origin",
  logLevel: 5, // none: the browser console is not where a learner looks
});
api.loadFromJSON(settings.cmi, "");
if (scorm12) {
  window.API = api;
} else {
  // Tell the SCO which navigation requests the platform will honour, so that it offers only
  // those (adl.nav.request_valid); set before Initialize, while they are still writable.
  try {
    const valid = api.adl.nav.request_valid;
    valid.continue = settings.nextUrl ? "true" : "false";
    valid.previous = settings.previousUrl ? "true" : "false";
    valid.choice.setAll(Object.fromEntries(Object.keys(settings.choiceUrls).map((id) => [id, "true"])));
  } catch (error) {
    console.error(error);
  }
  window.API_1484_11 = api;
}

function say(text) {
  status.textContent = text;
}

// A commit may make the next part available (a forced order, a prerequisite): redraw the
// navigation from the platform's answer, without reloading the SCO.
let refreshing = false;
async function refreshNavigation() {
  if (!settings.navigationUrl || refreshing) return;
  refreshing = true;
  try {
    const response = await fetch(settings.navigationUrl, { credentials: "omit" });
    if (response.ok) {
      const navigation = await response.json();
      document.getElementById("scorm-navigation").innerHTML = navigation.html;
      settings.previousUrl = navigation.previousUrl;
      settings.nextUrl = navigation.nextUrl;
      settings.choiceUrls = navigation.choiceUrls;
    }
  } catch (error) {
    console.error(error);
  } finally {
    refreshing = false;
  }
}

api.on(scorm12 ? "LMSCommit" : "Commit", refreshNavigation);

api.on(scorm12 ? "LMSFinish" : "Terminate", () => {
  say(settings.commitUrl ? "Your progress in this part is saved." : "This part has finished.");
  // The finishing commit goes by beacon; give it a moment to land before asking.
  setTimeout(refreshNavigation, 500);
  if (!scorm12) {
    // adl.nav.request: the SCO asks, on terminating, where the learner goes next. Read now:
    // the runtime resets it once Terminate returns; move only after the SCO's call is over.
    const request = String(api.adl?.nav?.request || "_none_");
    setTimeout(() => navigate(request), 0);
  }
});

function navigate(request) {
  const choice = request.match(/^\{target=([^}]+)\}(choice|jump)$/);
  let target = null;
  if (request === "continue") target = settings.nextUrl;
  else if (request === "previous") target = settings.previousUrl;
  else if (choice) target = settings.choiceUrls[choice[1]] || null;
  else if (["exit", "exitAll", "suspendAll", "abandon", "abandonAll"].includes(request)) {
    target = request === "exit" ? null : settings.returnUrl;
  }
  if (target) window.location.assign(target);
}

// A learner who closes the tab or follows a link without the SCO finishing still has what the
// SCO set so far stored: one last commit, by beacon, which outlives the page.
window.addEventListener("pagehide", () => {
  if (!settings.commitUrl || !api.isInitialized() || api.isTerminated()) return;
  const body = JSON.stringify(api.renderCommitCMI(true));
  navigator.sendBeacon(settings.commitUrl, new Blob([body], { type: "text/plain;charset=UTF-8" }));
});

frame.hidden = false;
frame.src = frame.dataset.src;
document.querySelector("[data-scorm-needs-script]")?.remove();
