/**
 * The element's words in every market's language: English, Thai, Vietnamese, Malay, Indonesian and
 * Filipino. Program names are translated where the marketplaces use a local name; the rest stay as brands.
 */
export type Lang = 'en' | 'th' | 'vi' | 'ms' | 'id' | 'fil';

interface Words {
  /** Program id -> label; a program not listed keeps the API's (English) label. */
  programs: Record<string, string>;
  /** The accessible name: label and the month the badge is valid for. */
  badge: (label: string, month: string) => string;
  onTime: string;
  chat: string;
  positive: string;
}

export const WORDS: Record<Lang, Words> = {
  en: {
    programs: {},
    badge: (l, m) => `${l} badge, valid for ${m}`,
    onTime: 'on-time dispatch',
    chat: 'chats answered within 24 h',
    positive: 'positive ratings',
  },
  th: {
    programs: { 'top-choice': 'ร้านค้าแนะนำ', mall: 'มอลล์', 'official-shop': 'ร้านค้าทางการ', 'star-shop': 'ร้านค้าดาวเด่น', 'gold-star': 'ผู้ขายดาวทอง', 'silver-star': 'ผู้ขายดาวเงิน', 'authorized-seller': 'ผู้ขายที่ได้รับอนุญาต', 'top-brand': 'แบรนด์ชั้นนำ' },
    badge: (l, m) => `ตรา ${l} สำหรับเดือน ${m}`,
    onTime: 'จัดส่งตรงเวลา',
    chat: 'ตอบแชทภายใน 24 ชม.',
    positive: 'คะแนนเชิงบวก',
  },
  vi: {
    programs: { 'top-choice': 'Lựa Chọn Hàng Đầu', 'official-shop': 'Cửa Hàng Chính Hãng', 'star-shop': 'Shop Ngôi Sao', 'gold-star': 'Người Bán Sao Vàng', 'silver-star': 'Người Bán Sao Bạc', 'authorized-seller': 'Người Bán Ủy Quyền', 'top-brand': 'Thương Hiệu Hàng Đầu' },
    badge: (l, m) => `Huy hiệu ${l}, hiệu lực ${m}`,
    onTime: 'giao hàng đúng hạn',
    chat: 'trả lời chat trong 24 giờ',
    positive: 'đánh giá tích cực',
  },
  ms: {
    programs: { 'top-choice': 'Pilihan Utama', 'official-shop': 'Kedai Rasmi', 'star-shop': 'Kedai Bintang', 'gold-star': 'Penjual Bintang Emas', 'silver-star': 'Penjual Bintang Perak', 'authorized-seller': 'Penjual Sah', 'top-brand': 'Jenama Terkemuka' },
    badge: (l, m) => `Lencana ${l}, sah untuk ${m}`,
    onTime: 'penghantaran tepat masa',
    chat: 'sembang dijawab dalam 24 jam',
    positive: 'penilaian positif',
  },
  id: {
    programs: { 'top-choice': 'Pilihan Teratas', 'official-shop': 'Toko Resmi', 'star-shop': 'Toko Bintang', 'gold-star': 'Penjual Bintang Emas', 'silver-star': 'Penjual Bintang Perak', 'authorized-seller': 'Penjual Resmi', 'top-brand': 'Merek Teratas' },
    badge: (l, m) => `Lencana ${l}, berlaku untuk ${m}`,
    onTime: 'pengiriman tepat waktu',
    chat: 'chat dibalas dalam 24 jam',
    positive: 'penilaian positif',
  },
  fil: {
    programs: { 'top-choice': 'Nangungunang Pinili', 'official-shop': 'Opisyal na Tindahan', 'star-shop': 'Bituing Tindahan', 'gold-star': 'Gintong Bituing Nagbebenta', 'silver-star': 'Pilak na Bituing Nagbebenta', 'authorized-seller': 'Awtorisadong Nagbebenta', 'top-brand': 'Nangungunang Brand' },
    badge: (l, m) => `Badge na ${l}, para sa ${m}`,
    onTime: 'naipadala sa oras',
    chat: 'nasagot na chat sa loob ng 24 oras',
    positive: 'positibong rating',
  },
};

/** Programs shown under another program's name: top-program is the official shop in every language. */
const PROGRAM_ALIAS: Record<string, string> = { 'top-program': 'official-shop' };

/** The program's label in these words, or undefined (then the API's label is shown). */
export const programLabel = (words: Words, program: string): string | undefined => words.programs[PROGRAM_ALIAS[program] ?? program];

const LANG_ALIAS: Record<string, Lang> = { tl: 'fil', in: 'id', zsm: 'ms' };

/** The page's language (`<html lang>`), as one of ours: `th-TH` -> th, `tl` -> fil, `in` -> id, else en. */
export function pageLang(doc: Document): Lang {
  const primary = (doc.documentElement.lang || 'en').toLowerCase().split(/[-_]/)[0] ?? 'en';
  const lang = LANG_ALIAS[primary] ?? primary;
  return lang in WORDS ? (lang as Lang) : 'en';
}
