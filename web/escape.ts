/** Text made safe for HTML content and quoted attribute values: & < > " ' as numeric character references. */
export const escapeHtml = (text: unknown): string => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
