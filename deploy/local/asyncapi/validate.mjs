// Validates AsyncAPI documents with the AsyncAPI Initiative's parser; prints every diagnostic and
// exits 1 if any document does not parse or has an error or a warning.
import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';

const ERROR = 0;
const WARNING = 1;
const parser = new Parser();
let failed = false;
for (const file of process.argv.slice(2)) {
  const { document, diagnostics } = await parser.parse(readFileSync(file, 'utf8'));
  for (const { severity, code, message, path } of diagnostics) {
    if (severity === ERROR || severity === WARNING) failed = true;
    console.log(JSON.stringify({ file, severity, code, message, path: path.join('/') }));
  }
  if (!document) failed = true;
}
process.exit(failed ? 1 : 0);
