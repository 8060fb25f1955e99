// The service's web page: fills the form from GET /analyses and /models, submits POST /scans, polls
// GET /scans/{id} for status and progress, then shows exclusion.png and links to every file. No build step.
"use strict";

const $ = (id) => document.getElementById(id);
const FORMATS = { csv: "csv", lmt: "darkcast", yaml: "hepdata", yml: "hepdata" };
let analyses = [];
let models = [];

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

async function getJSON(url, options) {
  const response = await fetch(url, options);
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) {
    throw new Error(body && body.error ? body.error : `${url}: HTTP ${response.status}`);
  }
  return body;
}

function fillModels() {
  // every built-in model: those the analysis is published for first
  const analysis = analyses.find((a) => a.name === $("analysis").value);
  const published = analysis ? analysis.models : [];
  const select = $("model");
  const previous = select.value;
  select.replaceChildren();
  const groups = [["published with this analysis", published],
                  ["other built-in models", models.map((m) => m.model).filter((n) => !published.includes(n))]];
  for (const [label, names] of groups) {
    if (!names.length) continue;
    const group = document.createElement("optgroup");
    group.label = label;
    for (const name of names) group.append(new Option(name, name));
    select.append(group);
  }
  select.append(new Option("Paste a model document (YAML)…", "__paste__"));
  // a new analysis selects its first published model; a pasted model stays
  select.value = previous === "__paste__" ? previous : select.options[0].value;
  if (analysis) {
    const [lo, hi] = analysis.mass_range_mev;
    $("analysis-info").textContent = `${analysis.description} Masses ${lo}–${hi} MeV; beams: ${analysis.beams.join(", ")}.`;
  }
  togglePaste();
}

function togglePaste() {
  const text = $("model-text");
  text.hidden = $("model").value !== "__paste__";
  if (!text.hidden && !text.value) text.value = text.placeholder + "\n";  // an example to edit
}

async function overlays() {
  const out = [];
  for (const file of $("overlays").files) {
    const suffix = file.name.split(".").pop().toLowerCase();
    if (!(suffix in FORMATS)) throw new Error(`overlays: ${file.name}: use .csv, .lmt or .yaml`);
    out.push({ label: file.name.replace(/\.[^.]+$/, ""), format: FORMATS[suffix], text: await file.text() });
  }
  return out;
}

async function request() {
  const body = {
    analysis: $("analysis").value,
    model: $("model").value === "__paste__" ? $("model-text").value : $("model").value,
    method: $("method").value,
    cl: Number($("cl").value),
    seed: Number($("seed").value),
  };
  if ($("masses").value.trim()) body.mass_mev = $("masses").value.trim();
  if (body.method === "toys") body.ntoys = Number($("ntoys").value);
  const curves = await overlays();
  if (curves.length) body.overlays = curves;
  return body;
}

function showFiles(job) {
  const list = $("files");
  list.replaceChildren();
  for (const name of job.files) {
    const link = document.createElement("a");
    link.href = `/scans/${job.id}/${name}`;
    link.textContent = name;
    link.download = name;
    const item = document.createElement("li");
    item.append(link);
    list.append(item);
  }
  $("figure").src = `/scans/${job.id}/exclusion.png`;
  const darkMatter = job.files.includes("dark_matter.png");
  $("dark-matter").hidden = !darkMatter;
  if (darkMatter) $("dark-matter").src = `/scans/${job.id}/dark_matter.png`;
  $("result").hidden = false;
}

async function follow(id) {
  for (;;) {
    const job = await getJSON(`/scans/${id}`);
    const { done_masses: done, total_masses: total } = job.progress;
    $("status").textContent = job.status + (job.message ? ` (${job.message})` : "");
    $("progress").max = Math.max(total, 1);
    $("progress").value = done;
    $("progress-text").textContent = total ? `${done} of ${total} masses` : "";
    if (job.status === "done") return job;
    if (job.status === "failed") throw new Error(job.message || "the job failed");
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

async function run(event) {
  event.preventDefault();
  showError("");
  $("result").hidden = true;
  $("job").hidden = true;  // the previous job's status is not this one's
  $("status").textContent = "submitted";
  $("progress").value = 0;
  $("progress-text").textContent = "";
  $("run").disabled = true;
  try {
    const submitted = await getJSON("/scans", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(await request()),
    });
    $("job").hidden = false;
    $("job-id").textContent = `job ${submitted.id}`;
    showFiles(await follow(submitted.id));
  } catch (error) {
    showError(error.message);
  } finally {
    $("run").disabled = false;
  }
}

async function start() {
  try {
    [analyses, models] = await Promise.all([getJSON("/analyses"), getJSON("/models")]);
    for (const a of analyses) $("analysis").append(new Option(a.name, a.name));
    $("analysis").value = analyses.some((a) => a.name === "na64-2026") ? "na64-2026" : analyses[0].name;
    fillModels();
  } catch (error) {
    showError(error.message);
  }
  $("analysis").addEventListener("change", fillModels);
  $("model").addEventListener("change", togglePaste);
  $("method").addEventListener("change", () => { $("toy-settings").hidden = $("method").value !== "toys"; });
  $("scan-form").addEventListener("submit", run);
}

start();
