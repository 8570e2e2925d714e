/**
 * The web function's routes (no schemas: they take no input). Apart from api.ts so that the web handler
 * imports neither zod nor the other routes' schemas.
 */
import { def } from './routes';

export const WEB_API = {
  embed: def({ method: 'GET', fn: 'web', path: '/embed/badge.js', access: 'public', status: 200, summary: 'The <seller-badge> storefront element (JavaScript module)' }),
  sellerPage: def({ method: 'GET', fn: 'web', path: '/seller/', access: 'public', status: 200, summary: 'The Seller Center badge page (HTML; its data needs a token)' }),
} as const;
