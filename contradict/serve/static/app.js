// The page of `contradict serve`: a view of the JSON API. It starts a job (POST api/jobs), polls it
// (GET api/jobs/{id}) for progress, and shows the report the server's HTML renderer drew in a sandboxed frame.
// Text from the server is only ever set as textContent, never as this page's HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const POLL_MS = 300;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(url, options) {
  const response = await fetch(url, options);
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  return { response, body };
}

function show(id, visible) {
  $(id).hidden = !visible;
}

function fail(message) {
  $("error").textContent = message;
  show("error", true);
  show("progress", false);
}

function errorMessage(response, body) {
  const message = body && body.message ? body.message : `the server answered ${response.status}`;
  const retry = response.headers.get("Retry-After");
  return retry ? `${message} (retry in ${retry} s)` : message;
}

function fillChoices(select, choices, chosen) {
  select.replaceChildren();
  for (const choice of choices) {
    const option = document.createElement("option");
    option.value = choice;
    option.textContent = choice;
    option.selected = choice === chosen;
    select.append(option);
  }
}

async function loadSettings() {
  const { response, body } = await call("api/settings");
  if (!response.ok) throw new Error(errorMessage(response, body));
  fillChoices($("pairs"), body.choices.pairs, body.defaults.pairs);
  fillChoices($("views"), body.choices.views, body.defaults.views);
  if (body.defaults.threshold !== null) $("threshold").value = body.defaults.threshold;
  if (body.defaults.top !== null) $("top").value = body.defaults.top;
  $("also-internal").checked = body.defaults.also_internal;
  return body;
}

async function waitForModel() {
  for (;;) {
    try {
      const { response, body } = await call("health");
      if (response.ok) {
        const model = body.model;
        $("model-status").textContent =
          `Model ${model.name} (${model.scoring} scoring, ${model.backend}, ${model.precision}) ready; ` +
          `its threshold is ${model.threshold}.`;
        $("model-status").classList.add("ready");
        $("threshold").placeholder = `${model.threshold} (model)`;
        $("check").disabled = false;
        return;
      }
      if (body && body.status === "failed") {
        $("model-status").textContent = body.message;
        return;
      }
    } catch (_) {
      // the server is not answering yet: keep waiting
    }
    await sleep(1000);
  }
}

function request() {
  const data = new FormData();
  const draftFile = $("draft-file").files[0];
  if (draftFile) data.append("draft", draftFile, draftFile.name);
  else data.append("draft", $("draft").value);
  if ($("source-text").value.trim()) data.append("sources", $("source-text").value);
  for (const file of $("source-files").files) data.append("sources", file, file.name);
  for (const name of ["threshold", "top", "pairs", "views"]) {
    const value = $(name).value.trim();
    if (value !== "") data.append(name, value);
  }
  data.append("also_internal", $("also-internal").checked ? "true" : "false");
  return data;
}

function showProgress(job) {
  const bar = $("progress-bar");
  let text = job.stage;
  if (job.status === "running" && job.pairs_total) {
    bar.max = job.pairs_total;
    bar.value = job.pairs_done;
    text = `scoring pairs: ${job.pairs_done} of ${job.pairs_total} model calls`;
  } else {
    bar.removeAttribute("value"); // indeterminate
  }
  $("progress-text").textContent = `${text} (${job.seconds.toFixed(1)} s)`;
  show("progress", true);
}

function showReport(job) {
  const report = job.report;
  const found = report.contradictions.length;
  $("summary").textContent =
    `${found} contradiction(s) at threshold ${report.threshold} among ${report.claims.length} claims ` +
    `(${report.pairs_scored} pairs scored) in ${job.seconds.toFixed(1)} s.`;
  const frame = $("report");
  frame.onload = () => {
    const doc = frame.contentDocument;
    if (doc) frame.style.height = `${doc.documentElement.scrollHeight + 24}px`;
  };
  frame.src = job.html_url;
  show("result", true);
  show("progress", false);
}

async function check(event) {
  event.preventDefault();
  show("error", false);
  if (!$("draft-file").files.length && !$("draft").value.trim()) {
    fail("Paste a draft or choose a file first.");
    return;
  }
  $("check").disabled = true;
  $("progress-text").textContent = "sending";
  show("progress", true);
  try {
    let { response, body: job } = await call("api/jobs", { method: "POST", body: request() });
    if (!response.ok) {
      fail(errorMessage(response, job));
      return;
    }
    while (job.status === "queued" || job.status === "running") {
      showProgress(job);
      await sleep(POLL_MS);
      ({ response, body: job } = await call(`api/jobs/${encodeURIComponent(job.id)}`));
      if (!response.ok) {
        fail(errorMessage(response, job));
        return;
      }
    }
    if (job.status === "done") showReport(job);
    else fail(job.error ? job.error.message : "the check failed");
  } catch (error) {
    fail(`cannot reach the server: ${error.message}`);
  } finally {
    $("check").disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  $("check-form").addEventListener("submit", check);
  try {
    await loadSettings();
  } catch (error) {
    fail(`cannot read the server's settings: ${error.message}`);
  }
  await waitForModel();
});
