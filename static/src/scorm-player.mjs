// The SCORM player: puts scorm-again's runtime where a SCO looks for it (window.API for SCORM 1.2,
// window.API_1484_11 for 2004), loads the CMI data the platform gave the page, then opens the SCO
// in the frame below, on this same origin, so that the SCO finds the API by walking up parents.
// Commits go to the attempt's commit address on this origin; a preview has none and keeps
// everything in memory.
import { Scorm12API } from "scorm-again/scorm12";
import { Scorm2004API } from "scorm-again/scorm2004";
import { PlatformCommits } from "./scorm-commits.mjs";

const settings = JSON.parse(document.getElementById("scorm-settings").textContent);
const frame = document.querySelector("[data-scorm-frame]");
const status = document.getElementById("scorm-status");
const scorm12 = settings.version === "1.2";

const commits = new PlatformCommits();
const api = new (scorm12 ? Scorm12API : Scorm2004API)({
  lmsCommitUrl: settings.commitUrl || false,
  dataCommitFormat: "json",
  autocommit: false,
  httpService: commits,
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

function say(text, failed = false) {
  status.textContent = text;
  status.classList.toggle("govuk-error-message", failed);
}

// A commit may make the next part available (a forced order, a prerequisite): redraw the
// navigation from the platform's answer, without reloading the SCO.
async function refreshNavigation() {
  if (!settings.navigationUrl) return;
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
  }
}

// Every move to another page waits here until each commit the runtime started is answered, so
// the next part (or the lesson) reads what this SCO stored, and its own commits never race
// this one's. Resolves to whether the last commit was stored; if not, the learner is told and
// stays, and may still leave by a link (the data is then lost, knowingly).
let saving = null;
let toldUnsaved = false;
function saved() {
  if (!saving) {
    if (commits.pending) say("Saving your progress…");
    saving = commits.settled().then((stored) => {
      saving = null;
      if (stored) {
        if (api.isTerminated()) say(settings.commitUrl ? "Your progress in this part is saved." : "This part has finished.");
      } else {
        toldUnsaved = true;
        say("Your progress in this part could not be saved. Check your connection, then choose a part or go back to the lesson.", true);
      }
      return stored;
    });
  }
  return saving;
}

// Asked once the SCO's script has run on: a SCO that commits and then terminates in the same
// handler gets one refresh, after the final commit, rather than one racing that commit.
api.on(scorm12 ? "LMSCommit" : "Commit", () =>
  queueMicrotask(() => {
    if (!api.isTerminated() && !commits.pending) refreshNavigation();
  }),
);

api.on(scorm12 ? "LMSFinish" : "Terminate", () => {
  // adl.nav.request: the SCO asks, on terminating, where the learner goes next. Read now: the
  // runtime resets it once Terminate returns. Navigation is asked for only after the final
  // commit is stored, since that commit may be what makes the next part available.
  const request = scorm12 ? "_none_" : String(api.adl?.nav?.request || "_none_");
  saved().then(async (stored) => {
    await refreshNavigation();
    if (stored && !following) navigate(request);
  });
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
  if (target) leave(target);
}

function leave(target) {
  leaving = true;
  window.location.assign(target);
}

// The player's own links (previous, next, contents, back to the lesson) first unload the SCO,
// which lets it terminate as it would on any exit, then store what it set if it did not
// terminate, and wait for the answers before the next page loads. The learner's choice of link
// wins over any navigation request the SCO makes as it unloads.
let leaving = false;
let following = false;
async function follow(link) {
  following = true;
  const told = toldUnsaved;
  try {
    if (api.isInitialized() && !api.isTerminated()) {
      await unloadSco();
      if (settings.commitUrl && !api.isTerminated()) {
        api.processHttpRequest(settings.commitUrl, api.renderCommitCMI(true), true);
      }
    }
    // A learner already told that their progress could not be saved leaves anyway.
    if ((await saved()) || told) leave(link.href);
  } finally {
    following = false;
  }
}

function unloadSco() {
  return new Promise((resolve) => {
    frame.addEventListener("load", resolve, { once: true });
    setTimeout(resolve, 3000); // a blank page always loads; this only guards against a hang
    frame.src = "about:blank";
  });
}

document.addEventListener("click", (event) => {
  const link = event.target.closest?.("#scorm-navigation a[href], a.govuk-back-link[href]");
  if (!link || event.defaultPrevented || event.button !== 0) return;
  if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return; // a new tab or window
  event.preventDefault();
  if (!leaving && !following) follow(link);
});

// A learner who closes the tab, or leaves by the browser's own buttons, without the SCO finishing
// still has what the SCO set so far stored: one last commit, by beacon, which outlives the page.
window.addEventListener("pagehide", () => {
  if (leaving || !settings.commitUrl || !api.isInitialized() || api.isTerminated()) return;
  const body = JSON.stringify(api.renderCommitCMI(true));
  navigator.sendBeacon(settings.commitUrl, new Blob([body], { type: "text/plain;charset=UTF-8" }));
});

frame.hidden = false;
frame.src = frame.dataset.src;
document.querySelector("[data-scorm-needs-script]")?.remove();
