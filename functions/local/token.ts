/** `npm run -s token -- --operator` | `-- --shop <shopId>`: prints one bearer token on its last line. */
import { SHOP_ID_RE } from '../../shared/http/schemas';
import { loadOrCreateKeys, mintToken } from './tokens';

const args = process.argv.slice(2);
const shopAt = args.indexOf('--shop');
const shopId = shopAt >= 0 ? args[shopAt + 1] : undefined;

if (!args.includes('--operator') && (shopId === undefined || !SHOP_ID_RE.test(shopId))) {
  console.error('usage: npm run -s token -- --operator | --shop <shopId>  (shopId: 1-64 of A-Z a-z 0-9 . _ -)');
  process.exit(2);
}
const keys = await loadOrCreateKeys();
console.log(await mintToken(keys, shopId !== undefined ? { shopId } : { operator: true }));
