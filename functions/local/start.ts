/**
 * `npm start`: the service on this machine, on the official DynamoDB Local engine.
 * Options: --port N (or PORT), --no-demo, --fresh, --data-dir DIR (default .local/data),
 * --snapshot-every-ms N (default 60000; every write is journaled in between).
 */
import { resolve } from 'node:path';
import { startLocalStack } from './stack';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const portText = option('--port') ?? process.env.PORT ?? '3000';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number (0-65535), got ${portText}`);
  process.exit(2);
}
const dataDirText = option('--data-dir');
const dataDir = dataDirText === undefined ? undefined : resolve(dataDirText);
const snapshotText = option('--snapshot-every-ms');
const snapshotEveryMs = snapshotText === undefined ? undefined : Number(snapshotText);
if (snapshotEveryMs !== undefined && !(Number.isInteger(snapshotEveryMs) && snapshotEveryMs >= 10)) {
  console.error(`--snapshot-every-ms must be a whole number of milliseconds (10 or more), got ${snapshotText}`);
  process.exit(2);
}
const demo = !process.argv.includes('--no-demo');
const fresh = process.argv.includes('--fresh');

console.log(`seller-badges: starting DynamoDB Local${fresh ? ' (fresh database)' : ''}...`);
const storefrontPort = port === 0 ? 0 : port + 1;
const stack = await startLocalStack({ port, demo, fresh, persist: true, dataDir, snapshotEveryMs, storefrontPort, log: (line) => console.log(line) });
const shop = stack.demoShopIds.find((id) => id === 'th-0001') ?? stack.demoShopIds[0] ?? 'th-0001';
const sellerToken = await stack.sellerToken(shop);
const u = stack.url;
console.log(`
seller-badges is up on ${u}  (Ctrl-C stops it and the database)

Operator token (12 h):
${stack.operatorToken}

Seller token for ${shop} (12 h):
${sellerToken}

Seller Center page for ${shop} (the token travels in the fragment and leaves the address bar):
  ${u}/seller/#token=${sellerToken}
Demo storefront (another origin, product grid with <seller-badge> elements; ?lang=th|vi|ms|id|fil):
  ${stack.storefrontUrl}
Storefront embed:  <script type="module" src="${u}/embed/badge.js"></script>  <seller-badge shop-id="${shop}"></seller-badge>

Try:
  curl -s ${u}/v1/shops/${shop}/badge
  curl -s "${u}/v1/badges?shopIds=th-0001,th-0009,th-0015,us-0001,us-0021,gb-0001"
  curl -s -H "Authorization: Bearer $SELLER" ${u}/v1/shops/${shop}/eligibility
  curl -s -H "Authorization: Bearer $SELLER" ${u}/v1/shops/${shop}/projection
  curl -s -H "Authorization: Bearer $OPERATOR" ${u}/v1/shops/th-0010/history
  curl -s -X POST -H "Authorization: Bearer $OPERATOR" -H 'content-type: application/json' \\
       -d '{"month":"${new Date().toISOString().slice(0, 7)}","markets":["TH"]}' ${u}/v1/evaluations
  curl -s ${u}/openapi.json
(export SELLER=<seller token> OPERATOR=<operator token> first; new tokens: npm run -s token -- --operator | --shop <id>)
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping...');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
