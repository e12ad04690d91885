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
