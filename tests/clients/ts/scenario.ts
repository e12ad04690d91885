// The Masthead newsroom scenario, through a client generated from openapi/openapi.json:
// types by openapi-typescript (generated/schema.d.ts, not committed), calls by
// openapi-fetch. Every step checks the status code and the fields that matter and
// prints one line; the first failure stops the run with exit code 1.
//
// Environment: MASTHEAD_URL (the server), MASTHEAD_ADMIN_EMAIL, MASTHEAD_ADMIN_PASSWORD.
//
// The scenario depends on operation paths and field names only, never on the names
// the generator gives to the variants of a union (body blocks), so that it survives
// spec changes that name those variants.

import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { deflateSync } from "node:zlib";
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type Schemas = components["schemas"];
type Problem = Schemas["Problem"];

class ScenarioFailure extends Error {}

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new ScenarioFailure(`${name} is not set`);
  }
  return value;
}

const baseUrl = env("MASTHEAD_URL").replace(/\/+$/, "");
const adminEmail = env("MASTHEAD_ADMIN_EMAIL");
const adminPassword = env("MASTHEAD_ADMIN_PASSWORD");
const suffix = randomBytes(4).toString("hex");
const lang = "ts";

let stepCount = 0;
function step(name: string, detail: string): void {
  stepCount += 1;
  console.log(`[${lang}] ok ${String(stepCount).padStart(2, " ")} ${name}: ${detail}`);
}

function check(condition: unknown, what: string): asserts condition {
  if (!condition) {
    throw new ScenarioFailure(what);
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 2000 ? `${text.slice(0, 2000)}...` : text;
}

interface Outcome<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/** The parsed body of a successful call, after checking its status. */
function expectData<D>(outcome: Outcome<D>, status: number, what: string): D {
  const got = outcome.response.status;
  check(
    got === status,
    `${what}: expected HTTP ${status}, got ${got}: ${show(outcome.error ?? outcome.data)}`,
  );
  check(outcome.data !== undefined, `${what}: HTTP ${status} without a body`);
  return outcome.data;
}

/** A bodiless success (204). */
function expectEmpty(outcome: Outcome<unknown>, status: number, what: string): void {
  const got = outcome.response.status;
  check(
    got === status,
    `${what}: expected HTTP ${status}, got ${got}: ${show(outcome.error ?? outcome.data)}`,
  );
}

/** An RFC 9457 failure with the given status and stable code. */
function expectProblem(outcome: Outcome<unknown>, status: number, code: string, what: string): Problem {
  const got = outcome.response.status;
  check(got === status, `${what}: expected HTTP ${status} (${code}), got ${got}: ${show(outcome.error ?? outcome.data)}`);
  const type = outcome.response.headers.get("content-type") ?? "";
  check(type.startsWith("application/problem+json"), `${what}: content-type ${type}, not application/problem+json`);
  const problem = outcome.error as Problem | undefined;
  check(problem !== undefined && typeof problem === "object", `${what}: no problem body`);
  check(problem.status === status, `${what}: problem.status ${problem.status}`);
  check(problem.code === code, `${what}: problem.code ${problem.code}, expected ${code}`);
  check(problem.type === `urn:masthead:problem:${code}`, `${what}: problem.type ${problem.type}`);
  return problem;
}

/** The strong ETag `"<version>"` of a versioned resource. */
function expectEtag(response: Response, version: number, what: string): string {
  const etag = response.headers.get("etag");
  check(etag === `"${version}"`, `${what}: ETag ${show(etag)}, expected "\\"${version}\\""`);
  return etag;
}

function expectLocation(response: Response, pathPrefix: string, id: string, what: string): void {
  const location = response.headers.get("location") ?? "";
  check(
    location.endsWith(`${pathPrefix}/${id}`),
    `${what}: Location ${show(location)}, expected .../${pathPrefix.replace(/^\//, "")}/${id}`,
  );
}

// Every response is also checked against the spec the client was generated from: its
// status must be one the operation declares, its media type one declared for that
// status, and the headers declared for it (ETag, Location, Cache-Control) must be there.
// Types say nothing at run time, so this is where server and spec can disagree.
interface SpecResponse {
  $ref?: string;
  content?: Record<string, unknown>;
  headers?: Record<string, unknown>;
}
interface SpecOperation {
  operationId?: string;
  responses?: Record<string, SpecResponse>;
}
interface Spec {
  paths: Record<string, Record<string, SpecOperation>>;
  components?: { responses?: Record<string, SpecResponse> };
}
const specPath =
  process.env["MASTHEAD_OPENAPI"] ?? new URL("../../../../../openapi/openapi.json", import.meta.url).pathname;
const spec = JSON.parse(readFileSync(specPath, "utf8")) as Spec;
const specMismatches: string[] = [];

function declaredResponse(schemaPath: string, method: string, status: number): SpecResponse | string {
  const operation = spec.paths[schemaPath]?.[method.toLowerCase()];
  if (operation === undefined) {
    return `${method} ${schemaPath} is not in the spec`;
  }
  const responses = operation.responses ?? {};
  let declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses["default"];
  if (declared === undefined) {
    return `${operation.operationId ?? ""}: HTTP ${status} is not a declared response (declared: ${Object.keys(responses).join(", ")})`;
  }
  const ref = declared.$ref;
  if (ref !== undefined) {
    const name = ref.replace("#/components/responses/", "");
    const target = spec.components?.responses?.[name];
    if (target === undefined) {
      return `${operation.operationId ?? ""}: unresolvable ${ref}`;
    }
    declared = target;
  }
  return declared;
}

const conformance: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    const where = `${request.method} ${new URL(request.url).pathname}`;
    const declared = declaredResponse(schemaPath, request.method, response.status);
    if (typeof declared === "string") {
      specMismatches.push(`${where} -> ${response.status}: ${declared}`);
      return undefined;
    }
    const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
    const declaredTypes = Object.keys(declared.content ?? {});
    const body = await response.clone().text();
    if (declaredTypes.length === 0 && body.length > 0) {
      specMismatches.push(`${where} -> ${response.status}: the spec declares no body, got ${mediaType}: ${body.slice(0, 300)}`);
    } else if (declaredTypes.length > 0 && !declaredTypes.includes(mediaType)) {
      specMismatches.push(
        `${where} -> ${response.status}: content-type ${JSON.stringify(mediaType)}, the spec declares ${declaredTypes.join(", ")}`,
      );
    }
    for (const header of Object.keys(declared.headers ?? {})) {
      if (!response.headers.has(header)) {
        specMismatches.push(`${where} -> ${response.status}: the spec declares a ${header} header, none was sent`);
      }
    }
    return undefined;
  },
};

// A small PNG made here rather than a committed fixture: RGB, 8 bits per channel, a
// gradient tinted by the run's random suffix, so that each run (and each client) uploads
// bytes the server has not seen and the first upload is a 201.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

function makePng(width: number, height: number, tint: Buffer): Buffer {
  const header = Buffer.alloc(13); // compression, filter and interlace 0
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const stride = 1 + width * 3; // a filter byte (0: none), then the row's pixels
  const raw = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const at = y * stride + 1 + x * 3;
      raw[at] = (x * 2 + (tint[0] ?? 0)) & 0xff;
      raw[at + 1] = (y * 3 + (tint[1] ?? 0)) & 0xff;
      raw[at + 2] = ((tint[2] ?? 0) ^ (tint[3] ?? 0)) & 0xff;
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(raw)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The multipart body of uploadMedia, as openapi-fetch's docs do it: every field
 * appended to a FormData (a File keeps its name), so fetch sets the boundary. */
function uploadForm(body: Schemas["UploadForm"]): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) {
    if (value !== null && value !== undefined) {
      form.append(name, value);
    }
  }
  return form;
}

/** The first URL of a `srcset` (`URL 96w, URL 320w, ...`). */
function firstSrcsetUrl(srcset: string): string {
  const first = srcset.split(",")[0]?.trim().split(/\s+/)[0];
  check(first !== undefined && first.length > 0, `srcset without a URL: ${show(srcset)}`);
  return first;
}

/** A member of a JSON value of unknown shape (JSON-LD), `undefined` when it is not an object. */
function member(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Text as XML writes it in an element: `&`, `<` and `>` escaped. */
function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The `<element>...</element>` parts of an XML feed that contain `needle`. */
function xmlElementsWith(xml: string, element: string, needle: string): string[] {
  return xml
    .split(`<${element}>`)
    .slice(1)
    .map((part) => part.split(`</${element}>`)[0] ?? "")
    .filter((part) => part.includes(needle));
}

/** The texts of the `<element>...</element>`s of an XML document, as written (escaped). */
function xmlTexts(xml: string, element: string): string[] {
  return [...xml.matchAll(new RegExp(`<${element}>([^<]*)</${element}>`, "g"))].map((m) => m[1] ?? "");
}

/** The root element of an XML document (after its declaration): name and attributes. */
function xmlRoot(xml: string): { name: string; attributes: Record<string, string> } | undefined {
  const root = /^(?:<\?xml[^>]*\?>)?\s*<([\w:.-]+)((?:\s+[\w:.-]+="[^"]*")*)\s*\/?>/.exec(xml);
  if (root === null) {
    return undefined;
  }
  const attributes: Record<string, string> = {};
  for (const [, name, value] of (root[2] ?? "").matchAll(/([\w:.-]+)="([^"]*)"/g)) {
    if (name !== undefined && value !== undefined) {
      attributes[name] = value;
    }
  }
  return { name: root[1] ?? "", attributes };
}

function api(token?: string) {
  const client = createClient<paths>({
    baseUrl,
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });
  client.use(conformance);
  return client;
}

async function login(email: string, password: string, role: Schemas["Role"]): Promise<string> {
  const tokens = expectData(
    await api().POST("/api/v1/auth/login", { body: { email, password } }),
    200,
    `login ${email}`,
  );
  check(tokens.token_type === "Bearer", `login: token_type ${tokens.token_type}`);
  check(tokens.access_token.length > 20, "login: no access token");
  check(tokens.user.email === email.toLowerCase(), `login: user.email ${tokens.user.email}`);
  check(tokens.user.role === role, `login: user.role ${tokens.user.role}, expected ${role}`);
  return tokens.access_token;
}

async function main(): Promise<void> {
  const anon = api();

  // 1. The server is up.
  const health = expectData(await anon.GET("/healthz"), 200, "healthz");
  check(health.status === "ok", `healthz: status ${health.status}`);
  step("healthz", `status=${health.status}`);

  // 2. The admin signs in.
  const adminToken = await login(adminEmail, adminPassword, "admin");
  const admin = api(adminToken);
  const me = expectData(await admin.GET("/api/v1/auth/me"), 200, "getMe");
  check(me.role === "admin", `getMe: role ${me.role}`);
  step("login admin", `user=${me.id} role=${me.role}`);

  // 3. An editor and a commercial user, each signing in.
  const password = `scenario passphrase ${suffix}`;
  const editorEmail = `editor-${lang}-${suffix}@example.org`;
  const editorName = `Editor ${lang.toUpperCase()} ${suffix}`;
  const editorCreated = await admin.POST("/api/v1/users", {
    body: { email: editorEmail, display_name: editorName, role: "editor", password },
  });
  const editorUser = expectData(editorCreated, 201, "createUser editor");
  check(editorUser.role === "editor" && editorUser.active, `createUser editor: ${show(editorUser)}`);
  expectLocation(editorCreated.response, "/api/v1/users", editorUser.id, "createUser editor");
  const commercialEmail = `commercial-${lang}-${suffix}@example.org`;
  const commercialUser = expectData(
    await admin.POST("/api/v1/users", {
      body: { email: commercialEmail, display_name: `Sales ${suffix}`, role: "commercial", password },
    }),
    201,
    "createUser commercial",
  );
  check(commercialUser.role === "commercial", `createUser commercial: role ${commercialUser.role}`);
  const editor = api(await login(editorEmail, password, "editor"));
  const commercial = api(await login(commercialEmail, password, "commercial"));
  step("users", `editor=${editorUser.id} commercial=${commercialUser.id} (both signed in)`);

  // 4. A section (editor).
  const sectionSlug = `clients-${lang}-${suffix}`;
  const sectionCreated = await editor.POST("/api/v1/sections", {
    body: { name: `Clients ${lang} ${suffix}`, slug: sectionSlug, description: "Made by tests/clients" },
  });
  const section = expectData(sectionCreated, 201, "createSection");
  check(section.slug === sectionSlug, `createSection: slug ${section.slug}`);
  check(section.version === 1, `createSection: version ${section.version}`);
  check(section.parent_id === null || section.parent_id === undefined, "createSection: parent_id set");
  expectEtag(sectionCreated.response, 1, "createSection");
  expectLocation(sectionCreated.response, "/api/v1/sections", section.id, "createSection");
  step("createSection", `id=${section.id} slug=${section.slug}`);

  // 5. An image in the media library (editor): upload (201), the same bytes again (200,
  // the same asset), then alt text and focal point with If-Match.
  const imageWidth = 96;
  const imageHeight = 64;
  const png = makePng(imageWidth, imageHeight, Buffer.from(suffix, "hex"));
  const fileName = `seoul-${lang}-${suffix}.png`;
  const pngFile = () => new File([png], fileName, { type: "image/png" });
  const uploaded = await editor.POST("/api/v1/media", {
    body: { file: pngFile(), credit: "Photo: A. Kim" },
    bodySerializer: uploadForm,
  });
  let asset = expectData(uploaded, 201, "uploadMedia");
  expectEtag(uploaded.response, 1, "uploadMedia");
  expectLocation(uploaded.response, "/api/v1/media", asset.id, "uploadMedia");
  check(asset.content_type === "image/png", `uploadMedia: content_type ${asset.content_type}`);
  check(asset.width === imageWidth && asset.height === imageHeight, `uploadMedia: ${asset.width}x${asset.height}`);
  check(asset.file_name === fileName, `uploadMedia: file_name ${show(asset.file_name)}`);
  check(asset.sha256 === createHash("sha256").update(png).digest("hex"), `uploadMedia: sha256 ${asset.sha256}`);
  check(asset.credit === "Photo: A. Kim" && (asset.alt ?? null) === null, `uploadMedia: credit/alt ${show(asset)}`);
  check(asset.uploaded_by.id === editorUser.id, `uploadMedia: uploaded_by ${show(asset.uploaded_by)}`);
  const reupload = await editor.POST("/api/v1/media", {
    body: { file: pngFile(), alt: "ignored: these bytes are stored already" },
    bodySerializer: uploadForm,
  });
  const same = expectData(reupload, 200, "uploadMedia (same bytes)");
  check(same.id === asset.id && same.version === 1, `uploadMedia (same bytes): ${same.id} v${same.version}, expected ${asset.id} v1`);
  check((same.alt ?? null) === null, `uploadMedia (same bytes): alt ${show(same.alt)}`);
  expectLocation(reupload.response, "/api/v1/media", asset.id, "uploadMedia (same bytes)");
  const imageAlt = "The two leaders on the steps of the Blue House";
  const patched = await editor.PATCH("/api/v1/media/{id}", {
    params: { path: { id: asset.id }, header: { "If-Match": expectEtag(uploaded.response, 1, "uploadMedia") } },
    body: { alt: imageAlt, focal_point: { x: 0.25, y: 0.4 } },
  });
  asset = expectData(patched, 200, "updateMedia");
  expectEtag(patched.response, 2, "updateMedia");
  check(asset.version === 2 && asset.alt === imageAlt, `updateMedia: v${asset.version} alt ${show(asset.alt)}`);
  check(asset.focal_point.x === 0.25 && asset.focal_point.y === 0.4, `updateMedia: focal_point ${show(asset.focal_point)}`);
  const crop = asset.renditions?.crops["16:9"];
  check(crop !== undefined && crop.url.includes("-16x9-f250x400."), `updateMedia: 16:9 crop ${show(crop)}`);
  step(
    "uploadMedia + updateMedia",
    `id=${asset.id} ${asset.content_type} ${asset.width}x${asset.height}; same bytes -> 200 same id; alt and focal point -> v${asset.version}`,
  );

  // 6. An article with headline, standfirst, dateline, the library image as hero, and a
  // body of paragraph, heading, image by URL and image from the library.
  const articleSlug = `clients-${lang}-${suffix}-shuttle-diplomacy`;
  const created = await editor.POST("/api/v1/articles", {
    body: {
      headline: `Seoul and Tokyo resume shuttle diplomacy (${lang} ${suffix})`,
      section_id: section.id,
      slug: articleSlug,
      standfirst: "Leaders will meet twice a year",
      dateline: "SEOUL",
      hero_image: { asset_id: asset.id },
      body: [
        { type: "paragraph", text: "SEOUL -- The leaders agreed on <em>Monday</em> to meet twice a year." },
        { type: "heading", text: "A thaw", level: 2 },
        {
          type: "image",
          url: "https://images.example.org/seoul.jpg",
          caption: "The two leaders in <strong>Seoul</strong>",
          credit: "Photo: A. Kim",
          alt: "Two leaders shaking hands",
        },
        { type: "image", asset_id: asset.id, caption: "The summit, <em>in colour</em>" },
      ],
      tags: ["Korea", "japan"],
    },
  });
  let article = expectData(created, 201, "createArticle");
  let articleEtag = expectEtag(created.response, 1, "createArticle");
  expectLocation(created.response, "/api/v1/articles", article.id, "createArticle");
  check(article.slug === articleSlug, `createArticle: slug ${article.slug}`);
  check(article.status === "draft", `createArticle: status ${article.status}`);
  check(article.standfirst === "Leaders will meet twice a year", `createArticle: standfirst ${article.standfirst}`);
  check(article.dateline === "SEOUL", `createArticle: dateline ${article.dateline}`);
  check(article.access === "free", `createArticle: access ${article.access}`);
  check(article.author_ids[0] === editorUser.id, `createArticle: author_ids ${show(article.author_ids)}`);
  check(show(article.tags) === show(["korea", "japan"]), `createArticle: tags ${show(article.tags)}`);
  check(article.body.length === 4, `createArticle: ${article.body.length} blocks`);
  const [para, heading, image, libraryImage] = article.body;
  check(para?.type === "paragraph" && para.text.includes("<em>Monday</em>"), `createArticle: paragraph ${show(para)}`);
  check(heading?.type === "heading" && heading.level === 2, `createArticle: heading ${show(heading)}`);
  check(
    image?.type === "image" && image.caption === "The two leaders in <strong>Seoul</strong>",
    `createArticle: image ${show(image)}`,
  );
  check(
    libraryImage?.type === "image" && libraryImage.asset_id === asset.id && (libraryImage.url ?? null) === null,
    `createArticle: library image ${show(libraryImage)}`,
  );
  check(article.hero_image?.asset_id === asset.id, `createArticle: hero_image ${show(article.hero_image)}`);
  step("createArticle", `id=${article.id} slug=${article.slug} status=${article.status} blocks=${article.body.length}`);

  // 7. A reader poll (editor).
  const pollCreated = await editor.POST("/api/v1/polls", {
    body: {
      title: `Asia in 2030 (${lang} ${suffix})`,
      intro: "Tell us what you think.",
      questions: [
        { prompt: "Do you live in Asia?", kind: "single_choice", options: [{ label: "Yes" }, { label: "No" }] },
        {
          prompt: "Who will be the strongest force in 2030?",
          kind: "multiple_choice",
          max_choices: 2,
          options: [{ label: "China" }, { label: "India" }, { label: "Other" }],
        },
        { prompt: "If other, who?", kind: "free_text", max_length: 280, required: false },
      ],
      results_visibility: "after_vote",
    },
  });
  const poll = expectData(pollCreated, 201, "createPoll");
  expectEtag(pollCreated.response, 1, "createPoll");
  expectLocation(pollCreated.response, "/api/v1/polls", poll.id, "createPoll");
  check(poll.questions.length === 3, `createPoll: ${poll.questions.length} questions`);
  const [q1, q2, q3] = poll.questions;
  check(q1 !== undefined && q1.kind === "single_choice" && q1.options.length === 2 && q1.max_choices === 1, `createPoll: q1 ${show(q1)}`);
  check(q2 !== undefined && q2.kind === "multiple_choice" && q2.options.length === 3 && q2.max_choices === 2, `createPoll: q2 ${show(q2)}`);
  check(q3 !== undefined && q3.kind === "free_text" && q3.options.length === 0 && q3.required === false, `createPoll: q3 ${show(q3)}`);
  check(poll.results_visibility === "after_vote", `createPoll: results_visibility ${poll.results_visibility}`);
  step("createPoll", `id=${poll.id} questions=${poll.questions.length}`);

  // 8. Embed the poll: PATCH with If-Match from the ETag; a stale ETag afterwards is 412.
  const withPoll = await editor.PATCH("/api/v1/articles/{id}", {
    params: { path: { id: article.id }, header: { "If-Match": articleEtag } },
    body: { body: [...article.body, { type: "poll", poll_id: poll.id }] },
  });
  article = expectData(withPoll, 200, "updateArticle (embed poll)");
  check(article.version === 2, `updateArticle: version ${article.version}`);
  const staleEtag = articleEtag;
  articleEtag = expectEtag(withPoll.response, 2, "updateArticle (embed poll)");
  const lastBlock = article.body[article.body.length - 1];
  check(lastBlock?.type === "poll" && lastBlock.poll_id === poll.id, `updateArticle: last block ${show(lastBlock)}`);
  const stale = await editor.PATCH("/api/v1/articles/{id}", {
    params: { path: { id: article.id }, header: { "If-Match": staleEtag } },
    body: { kicker: "Diplomacy" },
  });
  expectProblem(stale, 412, "precondition_failed", "updateArticle with a stale If-Match");
  check(stale.response.headers.get("etag") === articleEtag, `412: ETag ${show(stale.response.headers.get("etag"))}, expected the current ${articleEtag}`);
  step("updateArticle (embed poll)", `version=${article.version} ETag=${articleEtag}; stale If-Match ${staleEtag} -> 412`);

  // 9. A sponsored block that runs on this article (commercial), embedded in the article.
  const sponsoredCreated = await commercial.POST("/api/v1/sponsored", {
    body: {
      title: `How smart ports keep trade moving (${lang} ${suffix})`,
      sponsor_name: "Northwind Harbour Studio",
      label: "Sponsored Content",
      disclosure: "This content was commissioned by Northwind Harbour Studio.",
      body: [{ type: "paragraph", text: "Ports are getting faster." }],
      cta: { text: "Read the report", url: "https://studio.example.org/report" },
      placement: "article_inline",
      article_ids: [article.id],
      status: "active",
    },
  });
  const sponsored = expectData(sponsoredCreated, 201, "createSponsored");
  expectEtag(sponsoredCreated.response, 1, "createSponsored");
  expectLocation(sponsoredCreated.response, "/api/v1/sponsored", sponsored.id, "createSponsored");
  check(sponsored.label === "Sponsored Content", `createSponsored: label ${sponsored.label}`);
  check(sponsored.disclosure.startsWith("This content was commissioned"), `createSponsored: disclosure ${sponsored.disclosure}`);
  check(sponsored.status === "active", `createSponsored: status ${sponsored.status}`);
  check(show(sponsored.article_ids) === show([article.id]), `createSponsored: article_ids ${show(sponsored.article_ids)}`);
  const withSponsored = await editor.PATCH("/api/v1/articles/{id}", {
    params: { path: { id: article.id }, header: { "If-Match": articleEtag } },
    body: { body: [...article.body, { type: "sponsored", block_id: sponsored.id }] },
  });
  article = expectData(withSponsored, 200, "updateArticle (embed sponsored)");
  articleEtag = expectEtag(withSponsored.response, 3, "updateArticle (embed sponsored)");
  check(article.body.length === 6, `updateArticle: ${article.body.length} blocks`);
  step("createSponsored + embed", `id=${sponsored.id} label=${show(sponsored.label)}; article version=${article.version}`);

  // 10. A preview link to the draft (editor): the token opens the draft exactly as the
  // public article answer would be, with no credentials, never cached; revoked, a 404.
  const previewCreated = await editor.POST("/api/v1/articles/{id}/previews", {
    params: { path: { id: article.id } },
    body: { expires_in_secs: 3600 },
  });
  const link = expectData(previewCreated, 201, "createArticlePreview");
  expectLocation(previewCreated.response, `/api/v1/articles/${article.id}/previews`, link.id, "createArticlePreview");
  check(link.article_id === article.id && link.created_by.display_name === editorName, `createArticlePreview: ${show(link)}`);
  check(link.url === `/api/v1/public/preview/${link.token}`, `createArticlePreview: url ${show(link.url)}`);
  check(Date.parse(link.expires_at) - Date.parse(link.created_at) === 3_600_000, `createArticlePreview: ${link.created_at} .. ${link.expires_at}`);
  const draftPreview = await anon.GET("/api/v1/public/preview/{token}", { params: { path: { token: link.token } } });
  const previewed = expectData(draftPreview, 200, "getPublicPreview");
  check(previewed.id === article.id && previewed.headline === article.headline, `getPublicPreview: ${previewed.id} ${previewed.headline}`);
  const previewedPoll = previewed.body.find((b) => b.type === "poll");
  check(previewedPoll !== undefined && "poll" in previewedPoll && previewedPoll.poll.id === poll.id, `getPublicPreview: poll not resolved: ${show(previewedPoll)}`);
  check(draftPreview.response.headers.get("cache-control") === "private, no-store", `getPublicPreview: Cache-Control ${show(draftPreview.response.headers.get("cache-control"))}`);
  check(draftPreview.response.headers.get("x-robots-tag") === "noindex", "getPublicPreview: no X-Robots-Tag: noindex");
  check(draftPreview.response.headers.get("etag") === null, "getPublicPreview: an ETag");
  expectProblem(
    await anon.GET("/api/v1/public/articles/{slug}", { params: { path: { slug: articleSlug } } }),
    404,
    "not_found",
    "getPublicArticle (a draft)",
  );
  const links = expectData(
    await editor.GET("/api/v1/articles/{id}/previews", { params: { path: { id: article.id } } }),
    200,
    "listArticlePreviews",
  );
  const listed = links.items[0];
  check(links.items.length === 1 && listed !== undefined && listed.id === link.id && !("token" in listed), `listArticlePreviews: ${show(links)}`);
  expectEmpty(
    await editor.DELETE("/api/v1/articles/{id}/previews/{preview_id}", { params: { path: { id: article.id, preview_id: link.id } } }),
    204,
    "revokeArticlePreview",
  );
  expectProblem(
    await anon.GET("/api/v1/public/preview/{token}", { params: { path: { token: link.token } } }),
    404,
    "not_found",
    "getPublicPreview (revoked)",
  );
  step("preview link", `blocks=${previewed.body.map((b) => b.type).join(",")}; private, no-store; revoked -> 404`);

  // 11. Submit, then publish.
  const submitted = await editor.POST("/api/v1/articles/{id}/submit", {
    params: { path: { id: article.id }, header: { "If-Match": articleEtag } },
  });
  article = expectData(submitted, 200, "submitArticle");
  check(article.status === "in_review", `submitArticle: status ${article.status}`);
  articleEtag = expectEtag(submitted.response, 4, "submitArticle");
  const published = await editor.POST("/api/v1/articles/{id}/publish", {
    params: { path: { id: article.id }, header: { "If-Match": articleEtag } },
    body: {},
  });
  article = expectData(published, 200, "publishArticle");
  check(article.status === "published", `publishArticle: status ${article.status}`);
  check(typeof article.published_at === "string", "publishArticle: no published_at");
  articleEtag = expectEtag(published.response, 5, "publishArticle");
  step("submit + publish", `status=${article.status} published_at=${article.published_at ?? "?"}`);

  // 12. Read it publicly by slug: embeds resolved, cacheable, 304 on If-None-Match.
  const publicRead = await anon.GET("/api/v1/public/articles/{slug}", {
    params: { path: { slug: articleSlug } },
  });
  const pub = expectData(publicRead, 200, "getPublicArticle");
  check(pub.id === article.id && pub.slug === articleSlug, `getPublicArticle: ${pub.id} ${pub.slug}`);
  check(pub.section.slug === sectionSlug, `getPublicArticle: section ${show(pub.section)}`);
  check(pub.authors.length === 1 && pub.authors[0]?.display_name === editorName, `getPublicArticle: authors ${show(pub.authors)}`);
  check(pub.standfirst === "Leaders will meet twice a year" && pub.dateline === "SEOUL", "getPublicArticle: standfirst/dateline");
  check(pub.access.level === "free" && pub.access.preview === false, `getPublicArticle: access ${show(pub.access)}`);
  check(pub.body.length === 6, `getPublicArticle: ${pub.body.length} blocks: ${show(pub.body)}`);
  const pubImage = pub.body.find((b) => b.type === "image");
  check(pubImage !== undefined && "caption" in pubImage && pubImage.caption === "The two leaders in <strong>Seoul</strong>", `getPublicArticle: image ${show(pubImage)}`);
  check("renditions" in pubImage && (pubImage.renditions ?? null) === null && (pubImage.width ?? null) === null, `getPublicArticle: URL image ${show(pubImage)}`);
  const pollEmbed = pub.body.find((b) => b.type === "poll");
  check(pollEmbed !== undefined && "poll" in pollEmbed, `getPublicArticle: poll block not resolved: ${show(pollEmbed)}`);
  check(pollEmbed.poll_id === poll.id && pollEmbed.poll.id === poll.id, `getPublicArticle: poll ${show(pollEmbed)}`);
  check(pollEmbed.poll.state === "open" && pollEmbed.poll.questions.length === 3, `getPublicArticle: poll state ${pollEmbed.poll.state}`);
  const sponsoredEmbed = pub.body.find((b) => b.type === "sponsored");
  check(sponsoredEmbed !== undefined && "sponsored" in sponsoredEmbed, `getPublicArticle: sponsored block not resolved: ${show(sponsoredEmbed)}`);
  const shown = sponsoredEmbed.sponsored;
  check(sponsoredEmbed.block_id === sponsored.id && shown.id === sponsored.id, `getPublicArticle: sponsored ${show(sponsoredEmbed)}`);
  check(shown.sponsored === true && shown.label === "Sponsored Content" && shown.disclosure === sponsored.disclosure, `getPublicArticle: sponsored marking ${show(shown)}`);
  const publicEtag = publicRead.response.headers.get("etag");
  const cacheControl = publicRead.response.headers.get("cache-control") ?? "";
  check(publicEtag !== null && publicEtag.length > 2, "getPublicArticle: no ETag");
  check(cacheControl.startsWith("public") && cacheControl.includes("max-age="), `getPublicArticle: Cache-Control ${show(cacheControl)}`);
  // If-None-Match is not a declared parameter of getPublicArticle, so it goes in the
  // generic per-request headers.
  const notModified = await anon.GET("/api/v1/public/articles/{slug}", {
    params: { path: { slug: articleSlug } },
    headers: { "If-None-Match": publicEtag },
  });
  check(notModified.response.status === 304, `getPublicArticle If-None-Match: HTTP ${notModified.response.status}`);
  step("getPublicArticle", `blocks=${pub.body.map((b) => b.type).join(",")}; poll and sponsored resolved; ETag=${publicEtag}; 304 on If-None-Match`);

  // 13. The library image as readers get it: the hero with size, text and renditions
  // (the asset's alt fills what the article leaves empty; the block's caption wins), and
  // a rendition from its srcset, immutable and 304 on If-None-Match.
  const hero = pub.hero_image;
  check(hero !== null && hero !== undefined && hero.asset_id === asset.id, `getPublicArticle: hero_image ${show(hero)}`);
  check(hero.width === imageWidth && hero.height === imageHeight, `getPublicArticle: hero ${show(hero.width)}x${show(hero.height)}`);
  check(hero.alt === imageAlt && hero.credit === "Photo: A. Kim", `getPublicArticle: hero alt/credit ${show(hero)}`);
  check(hero.focal_point?.x === 0.25 && hero.focal_point.y === 0.4, `getPublicArticle: hero focal_point ${show(hero.focal_point)}`);
  const heroRenditions = hero.renditions;
  check(heroRenditions !== null && heroRenditions !== undefined, `getPublicArticle: hero without renditions ${show(hero)}`);
  check(hero.url === heroRenditions.url && heroRenditions.width === imageWidth, `getPublicArticle: hero url ${show(hero.url)} renditions ${show(heroRenditions)}`);
  const webp = heroRenditions.sources[0];
  check(webp !== undefined && webp.type === "image/webp", `getPublicArticle: hero sources ${show(heroRenditions.sources)}`);
  const pubLibraryImage = pub.body.find((b) => b.type === "image" && "asset_id" in b && b.asset_id === asset.id);
  check(
    pubLibraryImage !== undefined && "renditions" in pubLibraryImage && (pubLibraryImage.renditions ?? null) !== null,
    `getPublicArticle: library image block ${show(pubLibraryImage)}`,
  );
  check(
    pubLibraryImage.width === imageWidth && pubLibraryImage.alt === imageAlt && pubLibraryImage.caption === "The summit, <em>in colour</em>",
    `getPublicArticle: library image block ${show(pubLibraryImage)}`,
  );
  const renditionUrl = new URL(firstSrcsetUrl(webp.srcset), baseUrl);
  const renditionPath = /^\/api\/v1\/public\/media\/([^/]+)\/([^/]+)$/.exec(renditionUrl.pathname);
  check(renditionPath !== null && renditionPath[1] === asset.id, `srcset URL ${renditionUrl.href} is not a rendition of ${asset.id}`);
  const renditionName = renditionPath[2] ?? "";
  const rendition = await anon.GET("/api/v1/public/media/{id}/{rendition}", {
    params: { path: { id: asset.id, rendition: renditionName } },
    parseAs: "arrayBuffer",
  });
  const imageBytes = new Uint8Array(expectData(rendition, 200, `getMediaRendition ${renditionName}`));
  const renditionType = rendition.response.headers.get("content-type");
  const renditionEtag = rendition.response.headers.get("etag");
  const renditionCache = rendition.response.headers.get("cache-control") ?? "";
  check(renditionType === "image/webp", `getMediaRendition: content-type ${show(renditionType)}`);
  check(
    Buffer.from(imageBytes.subarray(0, 4)).toString("latin1") === "RIFF" && Buffer.from(imageBytes.subarray(8, 12)).toString("latin1") === "WEBP",
    `getMediaRendition: ${imageBytes.length} bytes that are not WebP`,
  );
  check(renditionEtag !== null && /^"[^"]+"$/.test(renditionEtag), `getMediaRendition: ETag ${show(renditionEtag)}`);
  check(renditionCache.includes("immutable"), `getMediaRendition: Cache-Control ${show(renditionCache)}`);
  const renditionAgain = await anon.GET("/api/v1/public/media/{id}/{rendition}", {
    params: { path: { id: asset.id, rendition: renditionName }, header: { "If-None-Match": renditionEtag } },
    parseAs: "arrayBuffer",
  });
  check(renditionAgain.response.status === 304, `getMediaRendition If-None-Match: HTTP ${renditionAgain.response.status}`);
  step(
    "hero image + getMediaRendition",
    `hero ${hero.width}x${hero.height} alt=${show(hero.alt)}; ${renditionName}: ${renditionType}, ${imageBytes.length} bytes, ETag=${renditionEtag}; 304 on If-None-Match`,
  );

  // 14. A reader answers the poll and reads the results.
  const reader = randomUUID();
  const before = expectData(
    await anon.GET("/api/v1/public/polls/{id}", {
      params: { path: { id: poll.id }, header: { "X-Reader-Id": reader } },
    }),
    200,
    "getPublicPoll (before)",
  );
  check(before.has_voted === false, `getPublicPoll: has_voted ${show(before.has_voted)}`);
  check(before.results === null || before.results === undefined, `getPublicPoll: results before voting ${show(before.results)}`);
  const pq1 = before.questions[0];
  const pq2 = before.questions[1];
  const pq3 = before.questions[2];
  check(pq1 !== undefined && pq2 !== undefined && pq3 !== undefined, "getPublicPoll: questions");
  const yes = pq1.options[0];
  const china = pq2.options[0];
  const india = pq2.options[1];
  check(yes?.label === "Yes" && china?.label === "China" && india?.label === "India", "getPublicPoll: options");
  const answered = await anon.POST("/api/v1/public/polls/{id}/responses", {
    params: { path: { id: poll.id }, header: { "X-Reader-Id": reader } },
    body: {
      answers: [
        { question_id: pq1.id, option_ids: [yes.id] },
        { question_id: pq2.id, option_ids: [china.id, india.id] },
        { question_id: pq3.id, text: "More trains, please." },
      ],
    },
  });
  const afterVote = expectData(answered, 201, "respondToPoll");
  check(afterVote.has_voted === true, `respondToPoll: has_voted ${show(afterVote.has_voted)}`);
  const results = afterVote.results;
  check(results !== null && results !== undefined, "respondToPoll: no results after voting (after_vote)");
  check(results.total_responses === 1, `respondToPoll: total_responses ${results.total_responses}`);
  const r1 = results.questions.find((q) => q.question_id === pq1.id);
  const r2 = results.questions.find((q) => q.question_id === pq2.id);
  const yesCount = r1?.options.find((o) => o.option_id === yes.id);
  const chinaCount = r2?.options.find((o) => o.option_id === china.id);
  check(yesCount?.count === 1 && yesCount.percentage === 100, `respondToPoll: Yes ${show(yesCount)}`);
  check(chinaCount?.count === 1 && r2?.answered === 1, `respondToPoll: China ${show(chinaCount)}`);
  const again = await anon.POST("/api/v1/public/polls/{id}/responses", {
    params: { path: { id: poll.id }, header: { "X-Reader-Id": reader } },
    body: {
      answers: [
        { question_id: pq1.id, option_ids: [yes.id] },
        { question_id: pq2.id, option_ids: [india.id] },
      ],
    },
  });
  expectProblem(again, 409, "already_responded", "respondToPoll a second time");
  const editorResults = expectData(
    await editor.GET("/api/v1/polls/{id}/results", { params: { path: { id: poll.id } } }),
    200,
    "getPollResults",
  );
  check(editorResults.total_responses === 1, `getPollResults: total ${editorResults.total_responses}`);
  step("respondToPoll", `reader=${reader} -> 201, has_voted=true, total=${results.total_responses}, Yes=${yesCount.count} (${yesCount.percentage}%); again -> 409`);

  // 15. The sponsored block through the public sponsored endpoint.
  const running = expectData(
    await anon.GET("/api/v1/public/sponsored", {
      params: { query: { article: articleSlug, placement: "article_inline" } },
    }),
    200,
    "listPublicSponsored",
  );
  const mine = running.items.find((b) => b.id === sponsored.id);
  check(mine !== undefined, `listPublicSponsored: block ${sponsored.id} missing from ${show(running.items.map((b) => b.id))}`);
  check(mine.sponsored === true && mine.label === "Sponsored Content" && mine.disclosure === sponsored.disclosure, `listPublicSponsored: ${show(mine)}`);
  check(mine.sponsor_name === "Northwind Harbour Studio" && mine.cta?.url === "https://studio.example.org/report", `listPublicSponsored: ${show(mine)}`);
  expectEmpty(
    await anon.POST("/api/v1/public/sponsored/{id}/impressions", { params: { path: { id: sponsored.id } } }),
    204,
    "countSponsoredImpression",
  );
  step("listPublicSponsored", `${running.items.length} block(s) for the article; ours labelled ${show(mine.label)}; impression -> 204`);

  // 16. The paywall: quota 3; a metered article; the meter's decision.
  const quota = 3;
  const paywall = expectData(
    await admin.PUT("/api/v1/paywall", {
      body: { quota, period: "month", counted_section_ids: null, default_preview_blocks: 3 },
    }),
    200,
    "putPaywall",
  );
  check(paywall.quota === quota && paywall.period === "month", `putPaywall: ${show(paywall)}`);
  const meteredSlug = `clients-${lang}-${suffix}-exporters-rethink`;
  const meteredCreated = await editor.POST("/api/v1/articles", {
    body: {
      headline: `Why mid-sized exporters are rethinking supply chains (${lang} ${suffix})`,
      section_id: section.id,
      slug: meteredSlug,
      standfirst: "Tariffs and freight costs change the maths",
      dateline: "TOKYO",
      access: "metered",
      preview_blocks: 1,
      body: [
        { type: "paragraph", text: "TOKYO -- Exporters are moving suppliers closer to home." },
        { type: "heading", text: "The numbers", level: 2 },
        { type: "paragraph", text: "Freight costs doubled in two years." },
      ],
    },
  });
  const metered = expectData(meteredCreated, 201, "createArticle (metered)");
  check(metered.access === "metered" && metered.preview_blocks === 1, `createArticle (metered): ${metered.access} ${show(metered.preview_blocks)}`);
  const meteredEtag = expectEtag(meteredCreated.response, 1, "createArticle (metered)");
  const meteredPublished = expectData(
    await editor.POST("/api/v1/articles/{id}/publish", {
      params: { path: { id: metered.id }, header: { "If-Match": meteredEtag } },
    }),
    200,
    "publishArticle (metered)",
  );
  check(meteredPublished.status === "published", `publishArticle (metered): ${meteredPublished.status}`);
  const preview = expectData(
    await anon.GET("/api/v1/public/articles/{slug}", { params: { path: { slug: meteredSlug } } }),
    200,
    "getPublicArticle (metered)",
  );
  check(preview.access.level === "metered" && preview.access.preview === true, `getPublicArticle (metered): access ${show(preview.access)}`);
  check(preview.body.length === 1, `getPublicArticle (metered): ${preview.body.length} blocks in the preview`);
  step("paywall + metered article", `quota=${paywall.quota}; ${metered.slug} published; public preview has ${preview.body.length} block`);

  const meterReader = randomUUID();
  const access = expectData(
    await anon.POST("/api/v1/public/articles/{slug}/access", {
      params: { path: { slug: meteredSlug }, header: { "X-Reader-Id": meterReader } },
    }),
    200,
    "requestArticleAccess",
  );
  check(access.decision === "metered", `requestArticleAccess: decision ${access.decision}`);
  check(access.quota === quota, `requestArticleAccess: quota ${access.quota}`);
  check(access.articles_left === quota - 1, `requestArticleAccess: articles_left ${access.articles_left}, expected ${quota - 1}`);
  check(access.body !== null && access.body !== undefined && access.body.body.length === 3, `requestArticleAccess: body ${show(access.body)}`);
  check(typeof access.message === "string" && access.message.includes(String(quota - 1)), `requestArticleAccess: message ${show(access.message)}`);
  check(Date.parse(access.period_ends_at) > Date.now(), `requestArticleAccess: period_ends_at ${access.period_ends_at}`);
  const repeat = expectData(
    await anon.POST("/api/v1/public/articles/{slug}/access", {
      params: { path: { slug: meteredSlug }, header: { "X-Reader-Id": meterReader } },
    }),
    200,
    "requestArticleAccess (repeat)",
  );
  check(repeat.decision === "metered" && repeat.articles_left === quota - 1, `requestArticleAccess (repeat): ${repeat.decision} ${repeat.articles_left}`);
  const free = expectData(
    await anon.POST("/api/v1/public/articles/{slug}/access", {
      params: { path: { slug: articleSlug }, header: { "X-Reader-Id": meterReader } },
    }),
    200,
    "requestArticleAccess (free)",
  );
  check(free.decision === "granted" && free.articles_left === quota - 1, `requestArticleAccess (free): ${free.decision} ${free.articles_left}`);
  step(
    "requestArticleAccess",
    `decision=${access.decision} articles_left=${access.articles_left}/${access.quota} message=${show(access.message)}; repeat read free; free article granted`,
  );

  // 17. Webhooks (admin): an endpoint, its signing secret shown once in the 201, the
  // list and the endpoint (never the secret), a test event (202) and its delivery in the
  // log, then disabled and deleted with If-Match (a stale one is 412). The URL is a public
  // name because a server refuses private addresses unless told otherwise; its deliveries
  // cannot succeed here (no network), so nothing waits for them.
  const hookUrl = "https://hooks.example.org/masthead";
  const hookCreated = await admin.POST("/api/v1/webhooks", {
    body: { url: hookUrl, events: ["article.published", "section.created"], description: `Clients ${lang} ${suffix}` },
  });
  const hook = expectData(hookCreated, 201, "createWebhook");
  let hookEtag = expectEtag(hookCreated.response, 1, "createWebhook");
  expectLocation(hookCreated.response, "/api/v1/webhooks", hook.id, "createWebhook");
  check(/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(hook.secret), `createWebhook: secret ${show(hook.secret)}`);
  check(Buffer.from(hook.secret.slice("whsec_".length), "base64").length >= 24, "createWebhook: a secret shorter than 24 bytes");
  check(hook.url === hookUrl && hook.enabled && hook.version === 1, `createWebhook: ${show(hook)}`);
  check(show([...hook.events].sort()) === show(["article.published", "section.created"]), `createWebhook: events ${show(hook.events)}`);
  const hookList = expectData(await admin.GET("/api/v1/webhooks", { params: { query: { limit: 100 } } }), 200, "listWebhooks");
  const listedHook = hookList.items.find((w) => w.id === hook.id);
  check(listedHook !== undefined, `listWebhooks: ${hook.id} missing from ${show(hookList.items.map((w) => w.id))}`);
  check(!("secret" in listedHook), "listWebhooks: the secret is shown again");
  const hookRead = await admin.GET("/api/v1/webhooks/{id}", { params: { path: { id: hook.id } } });
  check(!("secret" in expectData(hookRead, 200, "getWebhook")), "getWebhook: the secret is shown again");
  expectEtag(hookRead.response, 1, "getWebhook");
  expectProblem(await editor.GET("/api/v1/webhooks"), 403, "forbidden", "listWebhooks as an editor");
  const tested = expectData(
    await admin.POST("/api/v1/webhooks/{id}/test", { params: { path: { id: hook.id } } }),
    202,
    "testWebhook",
  );
  check(tested.event_type === "webhook.test" && tested.event_id.startsWith("msg_"), `testWebhook: ${show(tested)}`);
  const deliveries = expectData(
    await admin.GET("/api/v1/webhooks/{id}/deliveries", { params: { path: { id: hook.id }, query: { limit: 20 } } }),
    200,
    "listWebhookDeliveries",
  );
  const testDelivery = deliveries.items.find((d) => d.id === tested.id);
  check(
    testDelivery !== undefined && testDelivery.event_type === "webhook.test" && testDelivery.event_id === tested.event_id,
    `listWebhookDeliveries: the test delivery ${tested.id} missing from ${show(deliveries.items)}`,
  );
  const hookPatched = await admin.PATCH("/api/v1/webhooks/{id}", {
    params: { path: { id: hook.id }, header: { "If-Match": hookEtag } },
    body: { enabled: false },
  });
  const hookOff = expectData(hookPatched, 200, "updateWebhook");
  check(hookOff.enabled === false && hookOff.version === 2, `updateWebhook: ${show(hookOff)}`);
  const staleHookEtag = hookEtag;
  hookEtag = expectEtag(hookPatched.response, 2, "updateWebhook");
  expectProblem(
    await admin.DELETE("/api/v1/webhooks/{id}", { params: { path: { id: hook.id }, header: { "If-Match": staleHookEtag } } }),
    412,
    "precondition_failed",
    "deleteWebhook with a stale If-Match",
  );
  expectEmpty(
    await admin.DELETE("/api/v1/webhooks/{id}", { params: { path: { id: hook.id }, header: { "If-Match": hookEtag } } }),
    204,
    "deleteWebhook",
  );
  expectProblem(
    await admin.GET("/api/v1/webhooks/{id}", { params: { path: { id: hook.id } } }),
    404,
    "not_found",
    "getWebhook after deleteWebhook",
  );
  step(
    "webhooks",
    `id=${hook.id} secret whsec_… (201 only); test ${tested.event_id} -> 202, in the log as ${testDelivery.state}; ` +
      `enabled=false -> v${hookOff.version}; stale delete -> 412; delete -> 204, then 404`,
  );

  // 18. The site, its corrections and its feeds. The site settings (admins only): read
  // (ETag "<version>", "0" before the first save), replaced with the ETag read as If-Match
  // (the same ETag again is 412), and the same through the public site with no token. A
  // correction to the published free article (editor): logged (201), listed, made a
  // clarification with If-Match (a stale one is 412), refused to a commercial user (403);
  // the public article carries it, with JSON-LD that names the article's URL on the site
  // just saved, and the site's public log shows it first. The feeds, with no token: JSON
  // Feed, RSS and Atom hold the article at that URL (in the XML ones, its body's HTML as
  // escaped text); an unknown section is a 404 and two scopes at once a 422.
  const siteRead = await admin.GET("/api/v1/site");
  const siteBefore = expectData(siteRead, 200, "getSite");
  const siteEtag = expectEtag(siteRead.response, siteBefore.version, "getSite");
  check(siteBefore.version >= 0, `getSite: version ${siteBefore.version}`);
  check(
    siteBefore.version > 0 || (siteBefore.updated_at ?? null) === null,
    `getSite: version 0 (never saved) with updated_at ${show(siteBefore.updated_at)}`,
  );
  expectProblem(await editor.GET("/api/v1/site"), 403, "forbidden", "getSite as an editor");
  expectProblem(await commercial.GET("/api/v1/site"), 403, "forbidden", "getSite as a commercial user");
  const siteUrl = "https://news.example.com";
  const siteName = `The Clients Gazette (${lang} ${suffix})`;
  const publisherName = `Clients Media Ltd (${lang} ${suffix})`;
  const siteBody: Schemas["SiteRequest"] = {
    name: siteName,
    base_url: siteUrl,
    publisher_name: publisherName,
    language: "en-GB",
    time_zone: "Europe/London",
    article_path: "/{section}/{slug}",
  };
  const sitePut = await admin.PUT("/api/v1/site", { params: { header: { "If-Match": siteEtag } }, body: siteBody });
  const site = expectData(sitePut, 200, "putSite");
  const newSiteEtag = expectEtag(sitePut.response, siteBefore.version + 1, "putSite");
  check(
    site.name === siteName &&
      site.base_url === siteUrl &&
      site.publisher_name === publisherName &&
      site.language === "en-GB" &&
      site.time_zone === "Europe/London" &&
      site.article_path === "/{section}/{slug}",
    `putSite: ${show(site)}`,
  );
  check(site.version === siteBefore.version + 1, `putSite: version ${site.version}, expected ${siteBefore.version + 1}`);
  check(typeof site.updated_at === "string" && !Number.isNaN(Date.parse(site.updated_at)), `putSite: updated_at ${show(site.updated_at)}`);
  const staleSite = await admin.PUT("/api/v1/site", { params: { header: { "If-Match": siteEtag } }, body: siteBody });
  expectProblem(staleSite, 412, "precondition_failed", "putSite with a stale If-Match");
  check(staleSite.response.headers.get("etag") === newSiteEtag, `putSite 412: ETag ${show(staleSite.response.headers.get("etag"))}, expected ${newSiteEtag}`);
  const publicSite = expectData(await anon.GET("/api/v1/public/site"), 200, "getPublicSite");
  check(
    publicSite.name === siteName &&
      publicSite.base_url === siteUrl &&
      publicSite.publisher_name === publisherName &&
      publicSite.language === "en-GB" &&
      publicSite.article_path === "/{section}/{slug}",
    `getPublicSite: ${show(publicSite)}`,
  );
  step(
    "site settings",
    `v${siteBefore.version} -> v${site.version} with If-Match ${siteEtag} (again -> 412); editor, commercial -> 403; ` +
      `public: ${show(publicSite.name)} at ${publicSite.base_url}`,
  );

  const articleUrl = `${siteUrl}/${sectionSlug}/${articleSlug}`;
  const correctionText =
    "An earlier version of this article said the leaders would meet <em>three</em> times a year. They will meet twice.";
  const correctionBody: Schemas["CreateCorrectionRequest"] = { kind: "correction", text: correctionText };
  const correctionCreated = await editor.POST("/api/v1/articles/{id}/corrections", {
    params: { path: { id: article.id } },
    body: correctionBody,
  });
  let correction = expectData(correctionCreated, 201, "createCorrection");
  let correctionEtag = expectEtag(correctionCreated.response, 1, "createCorrection");
  expectLocation(correctionCreated.response, `/api/v1/articles/${article.id}/corrections`, correction.id, "createCorrection");
  check(
    correction.article_id === article.id &&
      correction.kind === "correction" &&
      correction.text === correctionText &&
      correction.version === 1 &&
      correction.created_by === editorUser.id,
    `createCorrection: ${show(correction)}`,
  );
  expectProblem(
    await commercial.POST("/api/v1/articles/{id}/corrections", { params: { path: { id: article.id } }, body: correctionBody }),
    403,
    "forbidden",
    "createCorrection as a commercial user",
  );
  const correctionLog = expectData(
    await editor.GET("/api/v1/articles/{id}/corrections", { params: { path: { id: article.id } } }),
    200,
    "listCorrections",
  );
  check(show(correctionLog.items.map((c) => c.id)) === show([correction.id]), `listCorrections: ${show(correctionLog)}`);
  const corrected = await editor.PATCH("/api/v1/articles/{id}/corrections/{correction_id}", {
    params: { path: { id: article.id, correction_id: correction.id }, header: { "If-Match": correctionEtag } },
    body: { kind: "clarification" },
  });
  correction = expectData(corrected, 200, "updateCorrection");
  const staleCorrectionEtag = correctionEtag;
  correctionEtag = expectEtag(corrected.response, 2, "updateCorrection");
  check(
    correction.kind === "clarification" && correction.text === correctionText && correction.version === 2,
    `updateCorrection: ${show(correction)}`,
  );
  const staleCorrection = await editor.PATCH("/api/v1/articles/{id}/corrections/{correction_id}", {
    params: { path: { id: article.id, correction_id: correction.id }, header: { "If-Match": staleCorrectionEtag } },
    body: { kind: "update" },
  });
  expectProblem(staleCorrection, 412, "precondition_failed", "updateCorrection with a stale If-Match");
  check(
    staleCorrection.response.headers.get("etag") === correctionEtag,
    `updateCorrection 412: ETag ${show(staleCorrection.response.headers.get("etag"))}, expected ${correctionEtag}`,
  );
  const correctedPub = expectData(
    await anon.GET("/api/v1/public/articles/{slug}", { params: { path: { slug: articleSlug } } }),
    200,
    "getPublicArticle (corrected)",
  );
  check(
    show(correctedPub.corrections.map((c) => [c.id, c.kind, c.text])) === show([[correction.id, "clarification", correctionText]]),
    `getPublicArticle: corrections ${show(correctedPub.corrections)}`,
  );
  // The spec types structured_data as a bare `type: object`, which openapi-typescript
  // makes `Record<string, never>`: read it as an object of unknown members.
  const ld: Record<string, unknown> = correctedPub.structured_data;
  check(ld["@context"] === "https://schema.org" && ld["@type"] === "NewsArticle", `getPublicArticle: JSON-LD ${show(ld)}`);
  check(ld["url"] === articleUrl, `getPublicArticle: JSON-LD url ${show(ld["url"])}, expected ${show(articleUrl)}`);
  check(ld["headline"] === article.headline && ld["headline"] === correctedPub.headline, `getPublicArticle: JSON-LD headline ${show(ld["headline"])}`);
  check(member(ld["publisher"], "name") === publisherName, `getPublicArticle: JSON-LD publisher ${show(ld["publisher"])}`);
  const ldAuthors = ld["author"];
  check(
    Array.isArray(ldAuthors) && show(ldAuthors.map((a: unknown) => member(a, "name"))) === show([editorName]),
    `getPublicArticle: JSON-LD author ${show(ldAuthors)}`,
  );
  check(ld["inLanguage"] === "en-GB", `getPublicArticle: JSON-LD inLanguage ${show(ld["inLanguage"])}`);
  check(correctedPub.access.level === "free", `getPublicArticle: access ${show(correctedPub.access)}`);
  check(ld["isAccessibleForFree"] === true && !("hasPart" in ld), `getPublicArticle: JSON-LD of a free article ${show(ld)}`);
  const meteredLd: Record<string, unknown> = expectData(
    await anon.GET("/api/v1/public/articles/{slug}", { params: { path: { slug: meteredSlug } } }),
    200,
    "getPublicArticle (metered)",
  ).structured_data;
  check(
    meteredLd["isAccessibleForFree"] === false &&
      member(meteredLd["hasPart"], "cssSelector") === ".paywall" &&
      meteredLd["url"] === `${siteUrl}/${sectionSlug}/${meteredSlug}`,
    `getPublicArticle (metered): JSON-LD ${show(meteredLd)}`,
  );
  const publicLog = expectData(await anon.GET("/api/v1/public/corrections"), 200, "listPublicCorrections");
  const newest = publicLog.items[0];
  check(
    newest !== undefined &&
      newest.id === correction.id &&
      newest.kind === "clarification" &&
      newest.text === correctionText &&
      newest.article.id === article.id &&
      newest.article.slug === articleSlug &&
      newest.article.headline === article.headline,
    `listPublicCorrections: first ${show(newest)}`,
  );
  step(
    "corrections",
    `id=${correction.id} correction -> clarification v${correction.version} (stale If-Match -> 412; commercial -> 403); ` +
      `public article: ${correctedPub.corrections.length} correction, JSON-LD ${String(ld["@type"])} at ${String(ld["url"])}; first in the public log`,
  );

  const feedId = `urn:uuid:${article.id}`;
  const jsonRead = await anon.GET("/api/v1/public/feeds/json");
  const feed = expectData(jsonRead, 200, "getJsonFeed");
  check(feed.version === "https://jsonfeed.org/version/1.1", `getJsonFeed: version ${show(feed.version)}`);
  check(feed.home_page_url === siteUrl && feed.language === "en-GB", `getJsonFeed: home_page_url ${show(feed.home_page_url)} language ${show(feed.language)}`);
  const feedItem = feed.items.find((i) => i.id === feedId);
  check(feedItem !== undefined, `getJsonFeed: no item ${feedId} in ${show(feed.items.map((i) => i.id))}`);
  check(
    feedItem.url === articleUrl &&
      feedItem.title === article.headline &&
      feedItem._masthead.access === "free" &&
      feedItem.content_html.includes("<em>Monday</em>"),
    `getJsonFeed: item ${show(feedItem)}`,
  );
  const feedEtag = jsonRead.response.headers.get("etag");
  check(feedEtag !== null, "getJsonFeed: no ETag");
  const feedAgain = await anon.GET("/api/v1/public/feeds/json", { params: { header: { "If-None-Match": feedEtag } } });
  check(feedAgain.response.status === 304, `getJsonFeed If-None-Match: HTTP ${feedAgain.response.status}`);
  const sectionFeed = expectData(
    await anon.GET("/api/v1/public/feeds/json", { params: { query: { section: sectionSlug } } }),
    200,
    "getJsonFeed (section)",
  );
  check(
    show(sectionFeed.items.map((i) => i.id).sort()) === show([feedId, `urn:uuid:${metered.id}`].sort()),
    `getJsonFeed (section): items ${show(sectionFeed.items.map((i) => i.id))}`,
  );
  const headlineXml = xmlEscape(article.headline);
  const rss = expectData(await anon.GET("/api/v1/public/feeds/rss", { parseAs: "text" }), 200, "getRssFeed");
  check(rss.startsWith("<?xml") && rss.includes("<rss"), `getRssFeed: not RSS: ${show(rss)}`);
  const rssItems = xmlElementsWith(rss, "item", feedId);
  check(
    rssItems.length === 1 &&
      rssItems[0]?.includes(`<title>${headlineXml}</title>`) &&
      rssItems[0].includes(`<link>${articleUrl}</link>`) &&
      rssItems[0].includes(xmlEscape("<em>Monday</em>")),
    `getRssFeed: items with ${feedId}: ${show(rssItems)}`,
  );
  const atom = expectData(
    await anon.GET("/api/v1/public/feeds/atom", { params: { query: { section: sectionSlug } }, parseAs: "text" }),
    200,
    "getAtomFeed (section)",
  );
  check(atom.startsWith("<?xml") && atom.includes('<feed xmlns="http://www.w3.org/2005/Atom"'), `getAtomFeed: not Atom: ${show(atom)}`);
  const atomEntries = xmlElementsWith(atom, "entry", feedId);
  check(
    atomEntries.length === 1 &&
      atomEntries[0]?.includes(`<id>${feedId}</id>`) &&
      atomEntries[0].includes(`<title>${headlineXml}</title>`) &&
      atomEntries[0].includes(`href="${articleUrl}"`) &&
      atomEntries[0].includes(xmlEscape("<em>Monday</em>")),
    `getAtomFeed: entries with ${feedId}: ${show(atomEntries)}`,
  );
  const noSection = `no-such-section-${suffix}`;
  expectProblem(
    await anon.GET("/api/v1/public/feeds/rss", { params: { query: { section: noSection } }, parseAs: "text" }),
    404,
    "not_found",
    "getRssFeed of an unknown section",
  );
  expectProblem(
    await anon.GET("/api/v1/public/feeds/json", { params: { query: { section: noSection } } }),
    404,
    "not_found",
    "getJsonFeed of an unknown section",
  );
  expectProblem(
    await anon.GET("/api/v1/public/feeds/atom", { params: { query: { limit: 0 } }, parseAs: "text" }),
    422,
    "validation_failed",
    "getAtomFeed with limit 0",
  );
  expectProblem(
    await anon.GET("/api/v1/public/feeds/json", { params: { query: { limit: 101 } } }),
    422,
    "validation_failed",
    "getJsonFeed with limit 101",
  );
  step(
    "feeds",
    `JSON Feed ${feed.items.length} items with ${feedId} at ${feedItem.url} (304 on If-None-Match), ` +
      `section ${sectionFeed.items.length}; RSS and Atom hold it; unknown section -> 404; bad limit -> 422`,
  );

  // 19. What readers and search engines find next, with no token. The related articles
  // of the free article: never itself, each a live article that shares a tag with it or
  // is in its section, those sharing tags first; the metered article (its section, no
  // tags) among them unless as many articles sharing tags fill the list (other runs on
  // the same database share "korea" and "japan"); and the metered article's related are
  // exactly the free one (the section holds just the two). The sitemaps: the index on
  // the site's address, page 1 holding the article's URL with its last change (304 on
  // If-None-Match), and the Google News sitemap with its headline and the site's name.
  // Like the earlier steps, this compares with the site settings saved in step 18: the
  // two scenarios run one after the other, so no other run saves the site in between.
  const related = expectData(
    await anon.GET("/api/v1/public/articles/{slug}/related", { params: { path: { slug: articleSlug } } }),
    200,
    "listRelatedArticles",
  );
  const relatedIds = related.items.map((r) => r.id);
  const sharesTag = (item: Schemas["PublicArticleSummary"]) => item.tags.some((t) => article.tags.includes(t));
  for (const item of related.items) {
    check(item.id !== article.id && item.slug !== articleSlug, `listRelatedArticles: the article itself among ${show(relatedIds)}`);
    check(
      typeof item.slug === "string" &&
        item.slug.length > 0 &&
        typeof item.headline === "string" &&
        item.headline.length > 0 &&
        typeof item.section.slug === "string" &&
        item.section.slug.length > 0 &&
        Date.parse(item.published_at) <= Date.now() + 60_000,
      `listRelatedArticles: not a live article summary ${show(item)}`,
    );
    check(
      sharesTag(item) || item.section.id === section.id,
      `listRelatedArticles: ${item.slug} shares no tag with ${show(article.tags)} and is not in ${sectionSlug}`,
    );
  }
  const sharing = related.items.map(sharesTag);
  check(
    sharing.every((s, i) => s || !sharing.slice(i).includes(true)),
    `listRelatedArticles: articles sharing tags not first: ${show(related.items.map((i) => i.slug))}`,
  );
  check(related.items.length <= 5, `listRelatedArticles: ${related.items.length} items, the default is 5`);
  check(
    relatedIds.includes(metered.id) || (related.items.length === 5 && sharing.every((s) => s)),
    `listRelatedArticles: the metered article ${metered.id} (same section) missing from ${show(related.items.map((i) => i.slug))}`,
  );
  const relatedOne = expectData(
    await anon.GET("/api/v1/public/articles/{slug}/related", { params: { path: { slug: articleSlug }, query: { limit: 1 } } }),
    200,
    "listRelatedArticles (limit 1)",
  );
  check(
    relatedOne.items.length <= 1 && show(relatedOne.items.map((r) => r.id)) === show(relatedIds.slice(0, 1)),
    `listRelatedArticles (limit 1): ${show(relatedOne.items.map((r) => r.id))}, expected the first of ${show(relatedIds)}`,
  );
  const meteredRelated = expectData(
    await anon.GET("/api/v1/public/articles/{slug}/related", { params: { path: { slug: meteredSlug } } }),
    200,
    "listRelatedArticles (metered)",
  );
  check(
    show(meteredRelated.items.map((r) => [r.id, r.slug, r.headline, r.section.slug])) ===
      show([[article.id, articleSlug, article.headline, sectionSlug]]),
    `listRelatedArticles (metered): ${show(meteredRelated.items)}`,
  );
  expectProblem(
    await anon.GET("/api/v1/public/articles/{slug}/related", { params: { path: { slug: articleSlug }, query: { limit: 0 } } }),
    422,
    "validation_failed",
    "listRelatedArticles with limit 0",
  );
  expectProblem(
    await anon.GET("/api/v1/public/articles/{slug}/related", { params: { path: { slug: `no-such-article-${suffix}` } } }),
    404,
    "not_found",
    "listRelatedArticles of an unknown slug",
  );
  step(
    "listRelatedArticles",
    `${related.items.length} for ${articleSlug} (not itself; metered ` +
      `${relatedIds.includes(metered.id) ? "included" : "crowded out by articles sharing tags"}); limit 1 -> ` +
      `${relatedOne.items.length}; the metered one's -> the free one; limit 0 -> 422; unknown slug -> 404`,
  );

  const sitemapNs = "http://www.sitemaps.org/schemas/sitemap/0.9";
  const newsNs = "http://www.google.com/schemas/sitemap-news/0.9";
  const index = expectData(await anon.GET("/api/v1/public/sitemaps", { parseAs: "text" }), 200, "getSitemapIndex");
  const indexRoot = xmlRoot(index);
  check(
    indexRoot?.name === "sitemapindex" && indexRoot.attributes["xmlns"] === sitemapNs,
    `getSitemapIndex: root ${show(indexRoot)}: ${show(index)}`,
  );
  const indexLocs = xmlTexts(index, "loc");
  check(indexLocs.length > 0 && indexLocs.every((loc) => loc.startsWith(`${siteUrl}/`)), `getSitemapIndex: locs ${show(indexLocs)}`);
  check(
    indexLocs.includes(`${siteUrl}/api/v1/public/sitemaps/1`) && indexLocs.includes(`${siteUrl}/api/v1/public/news-sitemap`),
    `getSitemapIndex: locs ${show(indexLocs)}`,
  );
  const pageRead = await anon.GET("/api/v1/public/sitemaps/{page}", { params: { path: { page: 1 } }, parseAs: "text" });
  const page = expectData(pageRead, 200, "getSitemapPage 1");
  const pageRoot = xmlRoot(page);
  check(pageRoot?.name === "urlset" && pageRoot.attributes["xmlns"] === sitemapNs, `getSitemapPage 1: root ${show(pageRoot)}`);
  const pageUrls = xmlElementsWith(page, "url", `<loc>${xmlEscape(articleUrl)}</loc>`);
  check(pageUrls.length === 1, `getSitemapPage 1: <url> for ${articleUrl}: ${show(pageUrls)}`);
  const lastmod = xmlTexts(pageUrls[0] ?? "", "lastmod")[0] ?? "";
  check(
    /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(lastmod) && !Number.isNaN(Date.parse(lastmod)),
    `getSitemapPage 1: lastmod ${show(lastmod)} for ${articleUrl}`,
  );
  const pageEtag = pageRead.response.headers.get("etag");
  check(pageEtag !== null, "getSitemapPage 1: no ETag");
  const pageAgain = await anon.GET("/api/v1/public/sitemaps/{page}", {
    params: { path: { page: 1 }, header: { "If-None-Match": pageEtag } },
    parseAs: "text",
  });
  check(pageAgain.response.status === 304, `getSitemapPage 1 If-None-Match: HTTP ${pageAgain.response.status}`);
  expectProblem(
    await anon.GET("/api/v1/public/sitemaps/{page}", { params: { path: { page: 999999 } }, parseAs: "text" }),
    404,
    "not_found",
    "getSitemapPage 999999",
  );
  const news = expectData(await anon.GET("/api/v1/public/news-sitemap", { parseAs: "text" }), 200, "getNewsSitemap");
  const newsRoot = xmlRoot(news);
  check(
    newsRoot?.name === "urlset" && newsRoot.attributes["xmlns"] === sitemapNs && newsRoot.attributes["xmlns:news"] === newsNs,
    `getNewsSitemap: root ${show(newsRoot)}`,
  );
  const newsUrls = xmlElementsWith(news, "url", `<loc>${xmlEscape(articleUrl)}</loc>`);
  check(newsUrls.length === 1, `getNewsSitemap: <url> for ${articleUrl}: ${show(newsUrls)}`);
  const newsUrl = newsUrls[0] ?? "";
  const newsFields = {
    title: xmlTexts(newsUrl, "news:title"),
    name: xmlTexts(newsUrl, "news:name"),
    language: xmlTexts(newsUrl, "news:language"),
  };
  check(
    show(newsFields) === show({ title: [xmlEscape(article.headline)], name: [xmlEscape(siteName)], language: ["en"] }),
    `getNewsSitemap: ${show(newsFields)}, expected title ${show(article.headline)}, name ${show(siteName)}, language "en"`,
  );
  step(
    "sitemaps",
    `index ${indexLocs.length} locs on ${siteUrl}; page 1 has ${articleUrl} (lastmod ${lastmod}, 304 on If-None-Match ${pageEtag}); ` +
      `page 999999 -> 404; news sitemap: ${show(article.headline)} from ${show(siteName)} (en)`,
  );

  // 20. Tags as records. The editor makes one by hand with a description (201, ETag "1",
  // its slug made from the name); a writer is refused (403) and the same name in other
  // case is a 409 (`tag_exists`: names differing only in case are one tag); its public
  // page is a 404 while no live article carries it. An article given that name in lower
  // case and a name no tag has carries the existing tag's name and a new tag (named in
  // lower case); published, listTags finds the tag with its article and getTag reads it
  // with its ETag, and its public page (no token) lists the article. Renamed with a new
  // slug (If-Match), the public article carries the new name and the old slug answers
  // 301 to the new page; the new tag merged into it (If-Match of the merged tag) leaves
  // the article one tag and the merged tag's slug a 301 too; deleted (a stale If-Match
  // is 412), its page and former slugs are 404 and the article carries no tag. Names
  // carry the run's suffix, so reruns against one database work. openapi-fetch asks
  // fetch to follow redirects unless told otherwise: the 301s are read with
  // `redirect: "manual"`, with which Node's fetch answers the 301 itself, Location and all.
  const writerEmail = `writer-${lang}-${suffix}@example.org`;
  const writerUser = expectData(
    await admin.POST("/api/v1/users", {
      body: { email: writerEmail, display_name: `Writer ${lang.toUpperCase()} ${suffix}`, role: "writer", password },
    }),
    201,
    "createUser writer",
  );
  check(writerUser.role === "writer", `createUser writer: role ${writerUser.role}`);
  const writer = api(await login(writerEmail, password, "writer"));
  const tagName = `Energy transition ${lang} ${suffix}`;
  const tagSlug = `energy-transition-${lang}-${suffix}`;
  const tagDescription = "Our reporting on the move away from fossil fuels.";
  const tagCreated = await editor.POST("/api/v1/tags", { body: { name: tagName, description: tagDescription } });
  let tag = expectData(tagCreated, 201, "createTag");
  let tagEtag = expectEtag(tagCreated.response, 1, "createTag");
  expectLocation(tagCreated.response, "/api/v1/tags", tag.id, "createTag");
  check(
    tag.name === tagName &&
      tag.slug === tagSlug &&
      tag.description === tagDescription &&
      tag.article_count === 0 &&
      tag.version === 1,
    `createTag: ${show(tag)}`,
  );
  expectProblem(
    await writer.POST("/api/v1/tags", { body: { name: `Writers' picks ${lang} ${suffix}` } }),
    403,
    "forbidden",
    "createTag as a writer",
  );
  const otherCase = `energy TRANSITION ${lang.toUpperCase()} ${suffix.toUpperCase()}`;
  expectProblem(
    await editor.POST("/api/v1/tags", { body: { name: otherCase } }),
    409,
    "tag_exists",
    "createTag with the same name in other case",
  );
  expectProblem(
    await anon.GET("/api/v1/public/tags/{slug}", { params: { path: { slug: tagSlug } } }),
    404,
    "not_found",
    "getPublicTag (no live article carries it)",
  );
  step(
    "createTag",
    `id=${tag.id} slug=${tag.slug} ETag=${tagEtag}; writer -> 403; ${show(otherCase)} -> 409 tag_exists; ` +
      "public page 404 while no live article carries it",
  );

  const gridName = `grid ${lang} ${suffix}`;
  const taggedSlug = `clients-${lang}-${suffix}-grid-connections`;
  const taggedCreated = await editor.POST("/api/v1/articles", {
    body: {
      headline: `Wind farms wait years for a grid connection (${lang} ${suffix})`,
      section_id: section.id,
      slug: taggedSlug,
      body: [{ type: "paragraph", text: "LONDON -- Hundreds of projects are queuing to connect." }],
      tags: [`energy transition ${lang} ${suffix}`, gridName],
    },
  });
  let tagged = expectData(taggedCreated, 201, "createArticle (tagged)");
  const taggedEtag = expectEtag(taggedCreated.response, 1, "createArticle (tagged)");
  check(
    show(tagged.tags) === show([tagName, gridName]),
    `createArticle (tagged): tags ${show(tagged.tags)}, expected ${show([tagName, gridName])}`,
  );
  const taggedPublished = await editor.POST("/api/v1/articles/{id}/publish", {
    params: { path: { id: tagged.id }, header: { "If-Match": taggedEtag } },
  });
  tagged = expectData(taggedPublished, 200, "publishArticle (tagged)");
  expectEtag(taggedPublished.response, 2, "publishArticle (tagged)");
  check(
    tagged.status === "published" && show(tagged.tags) === show([tagName, gridName]),
    `publishArticle (tagged): ${tagged.status} tags ${show(tagged.tags)}`,
  );
  const found = expectData(
    await editor.GET("/api/v1/tags", { params: { query: { q: `energy transition ${lang} ${suffix}` } } }),
    200,
    "listTags (q)",
  );
  check(
    show(found.items.map((t) => [t.id, t.name, t.slug, t.article_count])) === show([[tag.id, tagName, tagSlug, 1]]),
    `listTags (q): ${show(found.items)}`,
  );
  const tagRead = await editor.GET("/api/v1/tags/{id}", { params: { path: { id: tag.id } } });
  tag = expectData(tagRead, 200, "getTag");
  tagEtag = expectEtag(tagRead.response, 1, "getTag");
  check(
    tag.name === tagName &&
      tag.slug === tagSlug &&
      tag.description === tagDescription &&
      tag.article_count === 1 &&
      tag.version === 1,
    `getTag: ${show(tag)}`,
  );
  const tagPageRead = await anon.GET("/api/v1/public/tags/{slug}", { params: { path: { slug: tagSlug } } });
  const tagPage = expectData(tagPageRead, 200, "getPublicTag");
  check(
    tagPage.tag.slug === tagSlug && tagPage.tag.name === tagName && tagPage.tag.description === tagDescription,
    `getPublicTag: tag ${show(tagPage.tag)}`,
  );
  const tagPageItem = tagPage.articles.items.find((a) => a.slug === taggedSlug);
  check(
    tagPageItem !== undefined && tagPageItem.id === tagged.id && show(tagPageItem.tags) === show([tagName, gridName]),
    `getPublicTag: no ${taggedSlug} among ${show(tagPage.articles.items.map((a) => a.slug))}`,
  );
  const tagPageEtag = tagPageRead.response.headers.get("etag");
  check(tagPageEtag !== null, "getPublicTag: no ETag");
  const tagPageAgain = await anon.GET("/api/v1/public/tags/{slug}", {
    params: { path: { slug: tagSlug }, header: { "If-None-Match": tagPageEtag } },
  });
  check(tagPageAgain.response.status === 304, `getPublicTag If-None-Match: HTTP ${tagPageAgain.response.status}`);
  step(
    "tagged article + getPublicTag",
    `${taggedSlug} tags ${show(tagged.tags)}; listTags q -> article_count ${found.items[0]?.article_count ?? "?"}; ` +
      `getTag ETag=${tagEtag}; public page ${tagPage.articles.items.length} article(s), 304 on If-None-Match`,
  );

  const expectMoved = async (oldSlug: string, newSlug: string, what: string): Promise<void> => {
    const moved = await anon.GET("/api/v1/public/tags/{slug}", { params: { path: { slug: oldSlug } }, redirect: "manual" });
    check(moved.response.status === 301, `${what}: expected HTTP 301, got ${moved.response.status}: ${show(moved.error ?? moved.data)}`);
    expectLocation(moved.response, "/api/v1/public/tags", newSlug, what);
  };
  const publicTags = async (what: string): Promise<string[]> =>
    expectData(
      await anon.GET("/api/v1/public/articles/{slug}", { params: { path: { slug: taggedSlug } } }),
      200,
      `getPublicArticle (${what})`,
    ).tags;

  const energyName = `Energy ${lang} ${suffix}`;
  const energySlug = `energy-${lang}-${suffix}`;
  const renamed = await editor.PATCH("/api/v1/tags/{id}", {
    params: { path: { id: tag.id }, header: { "If-Match": tagEtag } },
    body: { slug: energySlug, name: energyName },
  });
  tag = expectData(renamed, 200, "updateTag");
  const staleTagEtag = tagEtag;
  tagEtag = expectEtag(renamed.response, 2, "updateTag");
  check(
    tag.name === energyName &&
      tag.slug === energySlug &&
      tag.description === tagDescription &&
      tag.article_count === 1 &&
      tag.version === 2,
    `updateTag: ${show(tag)}`,
  );
  const renamedTags = await publicTags("tag renamed");
  check(show(renamedTags) === show([energyName, gridName]), `getPublicArticle (tag renamed): tags ${show(renamedTags)}`);
  await expectMoved(tagSlug, energySlug, "getPublicTag (the former slug)");
  const renamedPage = expectData(
    await anon.GET("/api/v1/public/tags/{slug}", { params: { path: { slug: energySlug } } }),
    200,
    "getPublicTag (renamed)",
  );
  check(
    renamedPage.tag.slug === energySlug &&
      renamedPage.tag.name === energyName &&
      renamedPage.articles.items.some((a) => a.slug === taggedSlug),
    `getPublicTag (renamed): ${show(renamedPage.tag)} ${show(renamedPage.articles.items.map((a) => a.slug))}`,
  );

  const gridFound = expectData(
    await editor.GET("/api/v1/tags", { params: { query: { q: gridName } } }),
    200,
    "listTags (q grid)",
  );
  check(
    show(gridFound.items.map((t) => [t.name, t.slug, t.article_count, t.version])) ===
      show([[gridName, `grid-${lang}-${suffix}`, 1, 1]]),
    `listTags (q grid): ${show(gridFound.items)}`,
  );
  const grid = gridFound.items[0];
  check(grid !== undefined, "listTags (q grid): no tag");
  const merged = await editor.POST("/api/v1/tags/{id}/merge", {
    params: { path: { id: grid.id }, header: { "If-Match": `"${grid.version}"` } },
    body: { into: tag.id },
  });
  const kept = expectData(merged, 200, "mergeTag");
  expectEtag(merged.response, 2, "mergeTag");
  check(
    kept.id === tag.id &&
      kept.name === energyName &&
      kept.slug === energySlug &&
      kept.article_count === 1 &&
      kept.version === 2,
    `mergeTag: ${show(kept)}`,
  );
  const mergedTags = await publicTags("tags merged");
  check(show(mergedTags) === show([energyName]), `getPublicArticle (tags merged): tags ${show(mergedTags)}`);
  await expectMoved(grid.slug, energySlug, "getPublicTag (the merged tag's slug)");
  expectProblem(
    await editor.GET("/api/v1/tags/{id}", { params: { path: { id: grid.id } } }),
    404,
    "not_found",
    "getTag (merged away)",
  );

  expectProblem(
    await editor.DELETE("/api/v1/tags/{id}", { params: { path: { id: tag.id }, header: { "If-Match": staleTagEtag } } }),
    412,
    "precondition_failed",
    "deleteTag with a stale If-Match",
  );
  expectEmpty(
    await editor.DELETE("/api/v1/tags/{id}", { params: { path: { id: tag.id }, header: { "If-Match": tagEtag } } }),
    204,
    "deleteTag",
  );
  expectProblem(
    await anon.GET("/api/v1/public/tags/{slug}", { params: { path: { slug: energySlug } } }),
    404,
    "not_found",
    "getPublicTag after deleteTag",
  );
  expectProblem(
    await anon.GET("/api/v1/public/tags/{slug}", { params: { path: { slug: tagSlug } } }),
    404,
    "not_found",
    "getPublicTag (a former slug) after deleteTag",
  );
  expectProblem(
    await editor.GET("/api/v1/tags/{id}", { params: { path: { id: tag.id } } }),
    404,
    "not_found",
    "getTag after deleteTag",
  );
  const deletedTags = await publicTags("tag deleted");
  check(deletedTags.length === 0, `getPublicArticle (tag deleted): tags ${show(deletedTags)}`);
  step(
    "updateTag + mergeTag + deleteTag",
    `renamed ${show(energyName)} v${tag.version} (article tags ${show(renamedTags)}; ${tagSlug} -> 301 ${energySlug}); ` +
      `${grid.slug} merged in (article tags ${show(mergedTags)}; -> 301 ${energySlug}); stale delete -> 412; ` +
      `delete -> 204, page and former slug 404, article tags ${show(deletedTags)}`,
  );

  // 21. Authors as records. The editor makes a freelancer's byline (201, ETag "1",
  // Location, its slug made from the name; the bio's inline HTML kept and its <script>
  // removed); a writer is refused (403); listAuthors finds it by name. The editor's own
  // author was made for them with their first article: it carries their user id as its
  // id and is linked to them. An article by the editor naming the freelancer has both
  // bylines, the editor's (their user id names their author) first; published, the
  // public article carries both as exactly {id, display_name}; the author's public page
  // (no token) is the same by slug and by id and lists the article, and so does
  // `/public/articles?author=<slug>`. Renamed (If-Match), the byline carries the new
  // name at once; the author cannot be deleted while an article names them (409
  // `author_has_articles`); with the byline changed back to the editor alone (If-Match)
  // the delete is a 204 and the author is gone. Names carry the run's suffix. Whole
  // objects are compared with `isDeepStrictEqual` (no other keys, in any order).
  const ownRead = await editor.GET("/api/v1/authors/{id}", { params: { path: { id: editorUser.id } } });
  const own = expectData(ownRead, 200, "getAuthor (the editor's own)");
  expectEtag(ownRead.response, own.version, "getAuthor (the editor's own)");
  check(
    own.id === editorUser.id && own.user_id === editorUser.id && own.name === editorName && own.slug.length > 0,
    `getAuthor (the editor's own): ${show(own)}`,
  );

  const wireName = `Wire ${suffix}`;
  const wireSlug = `wire-${suffix}`;
  const wireJobTitle = "News agency";
  const wireLinks = [{ label: "Website", url: `https://wire.example.org/${suffix}` }];
  const wireBio = "Copy from our <em>Brussels</em> desk.";
  const authorCreated = await editor.POST("/api/v1/authors", {
    body: { name: wireName, job_title: wireJobTitle, links: wireLinks, bio: `${wireBio}<script>alert('wire')</script>` },
  });
  let wire = expectData(authorCreated, 201, "createAuthor");
  let wireEtag = expectEtag(authorCreated.response, 1, "createAuthor");
  expectLocation(authorCreated.response, "/api/v1/authors", wire.id, "createAuthor");
  check(
    wire.name === wireName &&
      wire.slug === wireSlug &&
      wire.job_title === wireJobTitle &&
      wire.bio === wireBio &&
      isDeepStrictEqual(wire.links, wireLinks) &&
      (wire.user_id ?? null) === null &&
      (wire.photo ?? null) === null &&
      wire.article_count === 0 &&
      wire.version === 1,
    `createAuthor: ${show(wire)}`,
  );
  expectProblem(
    await writer.POST("/api/v1/authors", { body: { name: `Writers' friend ${suffix}` } }),
    403,
    "forbidden",
    "createAuthor as a writer",
  );
  const authorsFound = expectData(
    await editor.GET("/api/v1/authors", { params: { query: { q: wireName } } }),
    200,
    "listAuthors (q)",
  );
  check(
    isDeepStrictEqual(authorsFound.items.map((a) => [a.id, a.name, a.slug]), [[wire.id, wireName, wireSlug]]),
    `listAuthors (q): ${show(authorsFound.items)}`,
  );
  step(
    "createAuthor",
    `id=${wire.id} slug=${wire.slug} ETag=${wireEtag}, bio ${show(wire.bio)} (script removed); writer -> 403; ` +
      `listAuthors q finds it; the editor's own author ${own.slug} has their user id`,
  );

  const wireArticleSlug = `clients-${lang}-${suffix}-wire-copy`;
  const wireArticleCreated = await editor.POST("/api/v1/articles", {
    body: {
      headline: `Ministers agree a common grid code (${lang} ${suffix})`,
      section_id: section.id,
      slug: wireArticleSlug,
      body: [{ type: "paragraph", text: "BRUSSELS -- The code takes effect next year." }],
      author_ids: [wire.id],
    },
  });
  let wireArticle = expectData(wireArticleCreated, 201, "createArticle (with an author)");
  let wireArticleEtag = expectEtag(wireArticleCreated.response, 1, "createArticle (with an author)");
  check(
    isDeepStrictEqual(wireArticle.author_ids, [editorUser.id, wire.id]),
    `createArticle (with an author): author_ids ${show(wireArticle.author_ids)}, expected ${show([editorUser.id, wire.id])}`,
  );
  const wirePublished = await editor.POST("/api/v1/articles/{id}/publish", {
    params: { path: { id: wireArticle.id }, header: { "If-Match": wireArticleEtag } },
  });
  wireArticle = expectData(wirePublished, 200, "publishArticle (with an author)");
  wireArticleEtag = expectEtag(wirePublished.response, 2, "publishArticle (with an author)");
  check(
    wireArticle.status === "published" && isDeepStrictEqual(wireArticle.author_ids, [editorUser.id, wire.id]),
    `publishArticle (with an author): ${wireArticle.status} author_ids ${show(wireArticle.author_ids)}`,
  );

  const publicBylines = async (what: string): Promise<Schemas["PublicArticleResponse"]["authors"]> =>
    expectData(
      await anon.GET("/api/v1/public/articles/{slug}", { params: { path: { slug: wireArticleSlug } } }),
      200,
      `getPublicArticle (${what})`,
    ).authors;
  const editorByline = { id: editorUser.id, display_name: editorName };
  const bylines = await publicBylines("with an author");
  check(
    isDeepStrictEqual(bylines, [editorByline, { id: wire.id, display_name: wireName }]),
    `getPublicArticle (with an author): authors ${show(bylines)}`,
  );
  // Typed as the operation's answer says the author is: a spec that does not describe
  // the page's author (id, slug, name, job_title, bio, photo, links) fails tsc here.
  type PublicAuthorPageBody =
    paths["/api/v1/public/authors/{slug}"]["get"]["responses"][200]["content"]["application/json"];
  const wireProfile: PublicAuthorPageBody["author"] = {
    id: wire.id,
    slug: wireSlug,
    name: wireName,
    job_title: wireJobTitle,
    bio: wireBio,
    photo: null,
    links: wireLinks,
  };
  const authorPageRead = await anon.GET("/api/v1/public/authors/{slug}", { params: { path: { slug: wireSlug } } });
  const authorPage = expectData(authorPageRead, 200, "getPublicAuthor (slug)");
  check(isDeepStrictEqual(authorPage.author, wireProfile), `getPublicAuthor (slug): author ${show(authorPage.author)}`);
  check(
    isDeepStrictEqual(
      authorPage.articles.items.filter((a) => a.slug === wireArticleSlug).map((a) => a.id),
      [wireArticle.id],
    ),
    `getPublicAuthor (slug): no ${wireArticleSlug} among ${show(authorPage.articles.items.map((a) => a.slug))}`,
  );
  const authorPageEtag = authorPageRead.response.headers.get("etag");
  check(authorPageEtag !== null, "getPublicAuthor: no ETag");
  const authorPageAgain = await anon.GET("/api/v1/public/authors/{slug}", {
    params: { path: { slug: wireSlug }, header: { "If-None-Match": authorPageEtag } },
  });
  check(authorPageAgain.response.status === 304, `getPublicAuthor If-None-Match: HTTP ${authorPageAgain.response.status}`);
  const byId = expectData(
    await anon.GET("/api/v1/public/authors/{slug}", { params: { path: { slug: wire.id } } }),
    200,
    "getPublicAuthor (id)",
  );
  check(isDeepStrictEqual(byId, authorPage), `getPublicAuthor (id): ${show(byId)}, by slug ${show(authorPage)}`);
  const byAuthor = expectData(
    await anon.GET("/api/v1/public/articles", { params: { query: { author: wireSlug } } }),
    200,
    "listPublicArticles (author)",
  );
  check(
    byAuthor.items.some((a) => a.slug === wireArticleSlug) &&
      byAuthor.items.every((a) => a.authors.some((b) => b.id === wire.id)),
    `listPublicArticles (author=${wireSlug}): ${show(byAuthor.items.map((a) => [a.slug, a.authors]))}`,
  );
  step(
    "authored article + getPublicAuthor",
    `${wireArticleSlug} author_ids [editor, ${wire.id}]; public bylines ${show(bylines.map((b) => b.display_name))}; ` +
      `author page by slug = by id, ${authorPage.articles.items.length} article(s), 304 on If-None-Match; ` +
      `?author=${wireSlug} -> ${byAuthor.items.length} article(s)`,
  );

  const wireNewName = `Wire Service ${suffix}`;
  const wireRenamed = await editor.PATCH("/api/v1/authors/{id}", {
    params: { path: { id: wire.id }, header: { "If-Match": wireEtag } },
    body: { name: wireNewName },
  });
  wire = expectData(wireRenamed, 200, "updateAuthor");
  wireEtag = expectEtag(wireRenamed.response, 2, "updateAuthor");
  check(
    wire.name === wireNewName &&
      wire.slug === wireSlug &&
      wire.job_title === wireJobTitle &&
      wire.bio === wireBio &&
      wire.article_count === 1 &&
      wire.version === 2,
    `updateAuthor: ${show(wire)}`,
  );
  const renamedBylines = await publicBylines("author renamed");
  check(
    isDeepStrictEqual(renamedBylines, [editorByline, { id: wire.id, display_name: wireNewName }]),
    `getPublicArticle (author renamed): authors ${show(renamedBylines)}`,
  );
  expectProblem(
    await editor.DELETE("/api/v1/authors/{id}", { params: { path: { id: wire.id }, header: { "If-Match": wireEtag } } }),
    409,
    "author_has_articles",
    "deleteAuthor while an article names them",
  );
  const rebylined = await editor.PATCH("/api/v1/articles/{id}", {
    params: { path: { id: wireArticle.id }, header: { "If-Match": wireArticleEtag } },
    body: { author_ids: [editorUser.id] },
  });
  wireArticle = expectData(rebylined, 200, "updateArticle (byline)");
  wireArticleEtag = expectEtag(rebylined.response, 3, "updateArticle (byline)");
  check(
    isDeepStrictEqual(wireArticle.author_ids, [editorUser.id]),
    `updateArticle (byline): author_ids ${show(wireArticle.author_ids)}`,
  );
  const rebylinedBylines = await publicBylines("byline changed");
  check(
    isDeepStrictEqual(rebylinedBylines, [editorByline]),
    `getPublicArticle (byline changed): authors ${show(rebylinedBylines)}`,
  );
  expectEmpty(
    await editor.DELETE("/api/v1/authors/{id}", { params: { path: { id: wire.id }, header: { "If-Match": wireEtag } } }),
    204,
    "deleteAuthor",
  );
  expectProblem(
    await editor.GET("/api/v1/authors/{id}", { params: { path: { id: wire.id } } }),
    404,
    "not_found",
    "getAuthor after deleteAuthor",
  );
  expectProblem(
    await anon.GET("/api/v1/public/authors/{slug}", { params: { path: { slug: wireSlug } } }),
    404,
    "not_found",
    "getPublicAuthor after deleteAuthor",
  );
  step(
    "updateAuthor + deleteAuthor",
    `renamed ${show(wireNewName)} v${wire.version} (public bylines ${show(renamedBylines.map((b) => b.display_name))}); ` +
      "delete -> 409 author_has_articles; byline back to the editor alone; delete -> 204, getAuthor 404",
  );

  // 22. Paid content. The editor creates an article marked with a sponsorship (201, the
  // sponsorship as sent); a writer may not mark one (403). Published, the public article
  // says `sponsored: true` with the same sponsorship, and its JSON-LD is an
  // AdvertiserContentArticle naming the sponsor.
  const sponsorship = {
    sponsor_name: `Acme Bank ${suffix}`,
    sponsor_url: "https://acme.example.com",
    label: "Paid post",
    disclosure: "This article was paid for by Acme Bank.",
  };
  const paidSlug = `clients-${lang}-${suffix}-paid`;
  const paidCreated = await editor.POST("/api/v1/articles", {
    body: { headline: `Saving early pays (${lang} ${suffix})`, section_id: section.id, slug: paidSlug, sponsorship },
  });
  const paid = expectData(paidCreated, 201, "createArticle (paid content)");
  const paidEtag = expectEtag(paidCreated.response, 1, "createArticle (paid content)");
  check(
    isDeepStrictEqual(paid.sponsorship, sponsorship),
    `createArticle (paid content): sponsorship ${show(paid.sponsorship)}`,
  );
  expectProblem(
    await writer.POST("/api/v1/articles", {
      body: { headline: `Mine (${lang} ${suffix})`, section_id: section.id, sponsorship },
    }),
    403,
    "forbidden",
    "createArticle (paid content) as a writer",
  );
  expectData(
    await editor.POST("/api/v1/articles/{id}/publish", {
      params: { path: { id: paid.id }, header: { "If-Match": paidEtag } },
      body: {},
    }),
    200,
    "publishArticle (paid content)",
  );
  const paidPublic = expectData(
    await anon.GET("/api/v1/public/articles/{slug}", { params: { path: { slug: paidSlug } } }),
    200,
    "getPublicArticle (paid content)",
  );
  // structured_data is a bare object in the spec: read as above.
  const paidLd: Record<string, unknown> = paidPublic.structured_data;
  const paidSponsor = paidLd["sponsor"] as Record<string, unknown> | undefined;
  check(
    paidPublic.sponsored === true &&
      isDeepStrictEqual(paidPublic.sponsorship, sponsorship) &&
      paidLd["@type"] === "AdvertiserContentArticle" &&
      paidSponsor?.["name"] === sponsorship.sponsor_name,
    `getPublicArticle (paid content): sponsored ${show(paidPublic.sponsored)}, @type ${show(paidLd["@type"])}`,
  );
  step(
    "createArticle (paid content)",
    `sponsorship kept; writer -> 403; public sponsored=${paidPublic.sponsored}, JSON-LD ${show(paidLd["@type"])}`,
  );

  // 23. API keys. The admin makes an editor key for an integration (201, Location, the
  // key shown once: `mhk_`, its prefix kept); a client holding the key alone reads
  // getMe (the key's own account, role editor) and creates an article, which the key
  // bylines when it names nobody; getApiKey then shows the key's use and never the
  // key. Revoked (204), the key's next request is a 401 `token_revoked`; the audit log
  // names both, by the admin.
  const keyCreated = await admin.POST("/api/v1/api-keys", {
    body: { name: `Ingest ${lang} ${suffix}`, role: "editor" },
  });
  const made = expectData(keyCreated, 201, "createApiKey");
  expectLocation(keyCreated.response, "/api/v1/api-keys", made.id, "createApiKey");
  check(
    made.key.startsWith("mhk_") && made.prefix === made.key.slice(0, 12) && made.status === "active",
    `createApiKey: prefix ${show(made.prefix)}, status ${made.status}`,
  );
  const integration = api(made.key);
  const keyMe = expectData(await integration.GET("/api/v1/auth/me"), 200, "getMe (API key)");
  check(keyMe.id === made.id && keyMe.role === "editor", `getMe (API key): ${show(keyMe)}`);
  const keyArticle = expectData(
    await integration.POST("/api/v1/articles", {
      body: { headline: `Filed by a key (${lang} ${suffix})`, section_id: section.id },
    }),
    201,
    "createArticle (API key)",
  );
  check(
    isDeepStrictEqual(keyArticle.author_ids, [made.id]),
    `createArticle (API key): author_ids ${show(keyArticle.author_ids)}`,
  );
  const keyRead = expectData(
    await admin.GET("/api/v1/api-keys/{id}", { params: { path: { id: made.id } } }),
    200,
    "getApiKey",
  );
  check(
    typeof keyRead.last_used_at === "string" && !JSON.stringify(keyRead).includes(made.key),
    `getApiKey: ${show(keyRead)}`,
  );
  expectEmpty(
    await admin.DELETE("/api/v1/api-keys/{id}", { params: { path: { id: made.id } } }),
    204,
    "revokeApiKey",
  );
  expectProblem(await integration.GET("/api/v1/auth/me"), 401, "token_revoked", "getMe after revokeApiKey");
  // The audit log holds both, by the admin; the key's own writes name it.
  const auditPage = expectData(
    await admin.GET("/api/v1/audit-log", { params: { query: { target: made.id } } }),
    200,
    "listAuditLog",
  );
  const audited = auditPage.items.map((e) => [e.action, e.actor.id]);
  check(
    isDeepStrictEqual(audited, [["api_key.revoked", me.id], ["api_key.created", me.id]]),
    `listAuditLog (target the key): ${show(audited)}`,
  );
  const byKey = expectData(
    await admin.GET("/api/v1/audit-log", { params: { query: { actor: made.id } } }),
    200,
    "listAuditLog (actor)",
  );
  check(byKey.items.every((e) => e.actor.kind === "api_key"), `listAuditLog (actor the key): ${show(byKey.items)}`);
  step(
    "createApiKey + revokeApiKey",
    `key ${made.prefix}... acts as ${keyMe.role}; article by it; last used ${keyRead.last_used_at}; revoked -> 401`,
  );

  // 24. External ids and lookup. An article made with the id another system gave it
  // carries it as given; lookupArticle finds it by that id and by its slug (with its
  // ETag), and a query with neither is a 422 naming `query`.
  const wireId = `wire ${lang}/${suffix}?p=1`;
  const imported = expectData(
    await admin.POST("/api/v1/articles", {
      body: { headline: `From the wire (${lang} ${suffix})`, section_id: section.id, external_id: wireId },
    }),
    201,
    "createArticle (external_id)",
  );
  check(imported.external_id === wireId, `createArticle: external_id ${show(imported.external_id)}`);
  const byExternal = await admin.GET("/api/v1/articles/lookup", { params: { query: { external_id: wireId } } });
  const foundByExternal = expectData(byExternal, 200, "lookupArticle (external_id)");
  check(
    foundByExternal.id === imported.id && byExternal.response.headers.get("etag") === '"1"',
    `lookupArticle (external_id): ${show(foundByExternal.id)}, ETag ${byExternal.response.headers.get("etag")}`,
  );
  const foundBySlug = expectData(
    await admin.GET("/api/v1/articles/lookup", { params: { query: { slug: imported.slug } } }),
    200,
    "lookupArticle (slug)",
  );
  check(foundBySlug.external_id === wireId, `lookupArticle (slug): ${show(foundBySlug.external_id)}`);
  const neither = expectProblem(
    await admin.GET("/api/v1/articles/lookup", { params: { query: {} } }),
    422,
    "validation_failed",
    "lookupArticle (neither)",
  );
  check(neither.errors?.[0]?.field === "query", `lookupArticle (neither): ${show(neither.errors)}`);
  step("lookupArticle", `found by external id ${show(wireId)} and by slug ${imported.slug}; neither -> 422`);

  check(
    specMismatches.length === 0,
    `responses that do not match openapi/openapi.json:\n  ${specMismatches.join("\n  ")}`,
  );
  step("responses match the spec", `every status, media type and declared header as in ${specPath}`);
  console.log(`[${lang}] scenario passed: ${stepCount} steps against ${baseUrl}`);
}

main().catch((err: unknown) => {
  if (err instanceof ScenarioFailure) {
    console.error(`[${lang}] FAILED after ${stepCount} steps: ${err.message}`);
  } else {
    console.error(`[${lang}] FAILED after ${stepCount} steps:`, err);
  }
  process.exit(1);
});
