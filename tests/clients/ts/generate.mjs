// Makes generated/schema.d.ts from the spec with openapi-typescript's Node API: the
// same types as its CLI makes with default options, except that binary strings
// (`format: binary`: the upload's `file`, the image renditions) are typed `Blob`, as
// openapi-typescript's docs advise for multipart uploads. The CLI types them `string`,
// and a string appended to FormData is sent as a text part, not as a file.
//
//   node generate.mjs <spec.json> <out.d.ts>

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import openapiTS, { COMMENT_HEADER, astToString } from "openapi-typescript";
import ts from "typescript";

const [spec, out] = process.argv.slice(2);
if (spec === undefined || out === undefined) {
  console.error("usage: node generate.mjs <spec.json> <out.d.ts>");
  process.exit(2);
}

const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const ast = await openapiTS(pathToFileURL(resolve(spec)), {
  transform(schemaObject) {
    if (schemaObject.format === "binary") {
      return BLOB;
    }
    return undefined;
  },
});
mkdirSync(dirname(resolve(out)), { recursive: true });
writeFileSync(out, COMMENT_HEADER + astToString(ast), "utf8");
console.log(`openapi-typescript (Node API, binary as Blob): ${spec} -> ${out}`);
