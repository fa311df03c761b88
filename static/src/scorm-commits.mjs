// How the SCORM runtime's commits reach the platform, and how the player learns that every one
// of them has been answered. scorm-again takes this object as its HTTP service.
//
// A commit the SCO makes while it runs (Commit/LMSCommit) is a synchronous request: the SCO
// waits for it and gets the platform's true answer, as SCORM expects. The commit made on
// Terminate/LMSFinish is sent with fetch and keepalive instead: a SCO often terminates while
// its frame or the window is being unloaded, when browsers refuse synchronous requests, and a
// keepalive request outlives the page as a beacon would. Unlike a beacon, it is answered, so the
// player can wait for it before it loads another part, which then reads stored data.

// Browsers refuse a keepalive request whose body (with others in flight) exceeds 64 KiB; a
// larger commit goes as an ordinary request, which completes as long as the page stays.
const KEEPALIVE_LIMIT = 60_000;
const FAILED = { result: "false", errorCode: 391 }; // SCORM's "general commit failure"
// Pauses (ms) before each further try of a finishing commit that got no answer or a server
// error; null marks the last try.
const RETRY_PAUSES = [250, 1000, null];

function answer(status, text) {
  try {
    const body = JSON.parse(text);
    if (body && "result" in body) {
      const result = String(body.result);
      return { result, errorCode: Number(body.errorCode) || (result === "true" ? 0 : 101) };
    }
  } catch {
    // Not the platform's JSON (a proxy's error page): judged by the status below.
  }
  return status >= 200 && status < 300 ? { result: "true", errorCode: 0 } : FAILED;
}

export class PlatformCommits {
  // Tells scorm-again that this service calls onRequestComplete itself, once answered.
  reportsRequestCompletion = true;

  #inFlight = new Set();
  #started = 0;
  #saved = true;

  get pending() {
    return this.#inFlight.size > 0;
  }

  // Resolves, once no commit is in flight, to whether the latest commit was stored. Each
  // commit carries the whole data model, so the latest one decides what the platform holds.
  async settled() {
    while (this.#inFlight.size) await Promise.allSettled([...this.#inFlight]);
    return this.#saved;
  }

  processHttpRequest(url, params, immediate, _log, processListeners, _metadata, onRequestComplete) {
    const body = JSON.stringify(params);
    const sequence = ++this.#started;
    const record = (result) => {
      if (sequence === this.#started) this.#saved = result.result === "true";
      const event = result.result === "true" ? "CommitSuccess" : "CommitError";
      processListeners?.(event, undefined, result.errorCode);
      onRequestComplete?.();
      return result;
    };
    if (!immediate) return record(this.#send(url, body));
    const request = this.#finish(url, body).then(record);
    this.#inFlight.add(request);
    request.finally(() => this.#inFlight.delete(request));
    // Terminate cannot wait for the answer; the player does, before it moves on.
    return { result: "true", errorCode: 0 };
  }

  // The finishing commit, tried again after a moment when the platform or the network failed
  // rather than refused the data: it carries the whole state, so a repeat stores the same.
  async #finish(url, body) {
    for (const pause of RETRY_PAUSES) {
      try {
        const response = await fetch(url, {
          method: "POST",
          body,
          headers: { "Content-Type": "application/json" },
          credentials: "omit",
          keepalive: body.length < KEEPALIVE_LIMIT,
        });
        const result = answer(response.status, await response.text());
        const refused = response.status >= 400 && response.status < 500;
        if (result.result === "true" || refused) return result;
      } catch {
        // No answer at all: tried again below.
      }
      if (pause === null) return FAILED;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    return FAILED;
  }

  #send(url, body) {
    const request = new XMLHttpRequest();
    try {
      request.open("POST", url, false);
      request.setRequestHeader("Content-Type", "application/json");
      request.send(body);
      return answer(request.status, request.responseText);
    } catch {
      return FAILED;
    }
  }

  updateSettings() {
    // Nothing here depends on the runtime's settings.
  }
}
