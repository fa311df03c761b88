// Drives the npm @xapi/xapi client against the LRS named on the command line and prints what it
// saw as one JSON object, so the Python test can compare the whole outcome at once.
// Usage: node xapi_js_documents.cjs <endpoint> <key> <secret> <version>
const XAPI = require("@xapi/xapi").default;

const [endpoint, key, secret, version] = process.argv.slice(2);
const xapi = new XAPI({ endpoint, auth: XAPI.toBasicAuth(key, secret), version });
const agent = { objectType: "Agent", account: { homePage: "https://lms.example.gov", name: "js1" } };
const activityId = "https://lms.example.gov/xapi/activities/course/js";

async function outcome(call) {
  try {
    const response = await call();
    return { status: response.status, data: response.data === "" ? null : response.data };
  } catch (error) {
    if (!error.response) throw error;
    return { status: error.response.status };
  }
}

async function main() {
  const statementId = "8f0b5c2e-8c4e-4b8a-9a55-2d1f7a0c3e11";
  const result = {};
  result.sendStatement = await outcome(() =>
    xapi.sendStatement({
      statement: {
        id: statementId,
        actor: agent,
        verb: { id: "http://adlnet.gov/expapi/verbs/experienced", display: { "en-GB": "experienced" } },
        object: { objectType: "Activity", id: activityId },
      },
    }),
  );
  const fetched = await outcome(() => xapi.getStatement({ statementId }));
  result.getStatement = { status: fetched.status, verb: fetched.data && fetched.data.verb.id };

  // Each document is created with a PUT that carries no precondition header, read back, merged
  // into with a POST and read again.
  result.setState = await outcome(() =>
    xapi.setState({ agent, activityId, stateId: "bookmark", state: { page: 3 } }),
  );
  result.createState = await outcome(() =>
    xapi.createState({ agent, activityId, stateId: "bookmark", state: { seen: true } }),
  );
  result.getState = await outcome(() => xapi.getState({ agent, activityId, stateId: "bookmark" }));
  result.deleteState = await outcome(() => xapi.deleteState({ agent, activityId, stateId: "bookmark" }));
  result.getDeletedState = await outcome(() =>
    xapi.getState({ agent, activityId, stateId: "bookmark" }),
  );

  result.setActivityProfile = await outcome(() =>
    xapi.setActivityProfile({ activityId, profileId: "settings", profile: { theme: "dark" } }),
  );
  result.createActivityProfile = await outcome(() =>
    xapi.createActivityProfile({ activityId, profileId: "settings", profile: { size: 2 } }),
  );
  result.getActivityProfile = await outcome(() =>
    xapi.getActivityProfile({ activityId, profileId: "settings" }),
  );
  // A second PUT with no precondition on a profile that now exists is the spec's 409.
  result.setExistingActivityProfile = await outcome(() =>
    xapi.setActivityProfile({ activityId, profileId: "settings", profile: { theme: "light" } }),
  );

  result.setAgentProfile = await outcome(() =>
    xapi.setAgentProfile({ agent, profileId: "preferences", profile: { language: "en-GB" } }),
  );
  result.getAgentProfile = await outcome(() => xapi.getAgentProfile({ agent, profileId: "preferences" }));
  result.deleteAgentProfile = await outcome(() =>
    xapi.deleteAgentProfile({ agent, profileId: "preferences" }),
  );
  result.getDeletedAgentProfile = await outcome(() =>
    xapi.getAgentProfile({ agent, profileId: "preferences" }),
  );
  process.stdout.write(JSON.stringify(result));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
