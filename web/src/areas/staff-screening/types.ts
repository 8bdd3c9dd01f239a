/** The screening API's shapes, as the server sends them. */
export interface WatchListVersion {
  id: string;
  version: number;
  entryCount: number;
  uploadedBy: string;
  uploadedAt: string;
  rescreenedAt: string | null;
}

export interface WatchList {
  id: string;
  name: string;
  currentVersion: number;
  versions: WatchListVersion[];
}

export interface WatchListEntry {
  id: string;
  line: number;
  name: string;
  aliases: string[];
  idNumberMasked: string | null;
  birthDate: string | null;
  source: string | null;
  reason: string | null;
}

export interface ScreeningMatch {
  id: string;
  userId: string;
  customerName: string | null;
  list: { id: string; name: string; version: number };
  entry: WatchListEntry;
  score: string;
  why: {
    basis: string;
    customerForm: string;
    entryForm: string;
    similarity: number;
    score: number;
    entryName: string;
  };
  trigger: string;
  status: 'open' | 'confirmed' | 'false_positive';
  decisionReason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

export const statusColor: Record<string, string> = {
  open: 'orange',
  confirmed: 'red',
  false_positive: 'green',
};
