/*
    The platform's adapter for ADL's cmi5 LMS test suite (lts/lib/lms.custom.js).

    benchmarks/cmi5_lts.py signs in as an administrator over HTTP, as a person does, and hands
    this adapter the session cookie and CSRF token in the environment (.env). Every call below
    is one request to the platform's cmi5 automation API (/cmi5/automation/...).
*/
const Wreck = require("@hapi/wreck"),
    {InvalidPackageError} = require("./errors");

const imported = [];
let api;

const call = async (path, payload, headers = {}) => {
    try {
        const {payload: body} = await api.post(path, {payload, headers});

        return body;
    }
    catch (ex) {
        const data = ex.data && ex.data.payload;

        if (data && data.rejected) {
            throw new InvalidPackageError(data.error);
        }
        throw new Error(`${path}: ${data ? JSON.stringify(data) : ex}`);
    }
};

module.exports = {
    setup: async () => {
        api = Wreck.defaults({
            baseUrl: process.env.PLATFORM_URL,
            headers: {
                Cookie: process.env.PLATFORM_COOKIE,
                "X-CSRFToken": process.env.PLATFORM_CSRF_TOKEN,
                Referer: `${process.env.PLATFORM_URL}/`
            },
            json: "force"
        });
    },

    teardown: async () => {},

    getLrsEndpoint: () => process.env.LRS_ENDPOINT,

    getLrsAuthHeader: () => `Basic ${Buffer.from(`${process.env.LRS_KEY}:${process.env.LRS_SECRET}`).toString("base64")}`,

    importCourse: async (stream, contentType, filename) => {
        const chunks = [];

        for await (const chunk of stream) {
            chunks.push(chunk);
        }

        const boundary = `cmi5lts${Date.now()}`,
            body = Buffer.concat([
                Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="package"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
                Buffer.concat(chunks),
                Buffer.from(`\r\n--${boundary}--\r\n`)
            ]),
            result = await call(
                "/cmi5/automation/courses",
                body,
                {"Content-Type": `multipart/form-data; boundary=${boundary}`}
            );

        imported.push(result.id);

        return result.id;
    },

    getLaunchUrl: async (courseId, auIndex, actor, {registration, launchMode}) => {
        // The learner is the signed-in administrator, as their pseudonymous account: the
        // platform never puts another identity into its statements.
        const result = await call(
            `/cmi5/automation/courses/${courseId}/launch-url`,
            JSON.stringify({auIndex, registration, launchMode, returnUrl: `${process.env.PLATFORM_URL}/`}),
            {"Content-Type": "application/json"}
        );

        return result.url;
    },

    cleanup: async () => {
        while (imported.length > 0) {
            const id = imported.pop();

            await call(`/cmi5/automation/courses/${id}/delete`, "", {"Content-Type": "application/json"});
        }
    },

    hasWaive: () => true,

    waiveAU: async (registration, auIndex, reason) => {
        await call(
            `/cmi5/automation/registrations/${registration}/waive`,
            JSON.stringify({auIndex, reason}),
            {"Content-Type": "application/json"}
        );
    },

    hasAbandon: () => true,

    abandonSession: async (sessionId) => {
        await call(`/cmi5/automation/sessions/${sessionId}/abandon`, "", {"Content-Type": "application/json"});
    }
};
