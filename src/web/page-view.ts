// What a page function returns: the template to render and the values it shows. Rendering (the
// language, the brand, escaping) happens when the page is sent (page-reply.ts).

/** A text of the message catalog, with the values its `{placeholders}` take. */
export interface Message {
  key: string;
  params?: Record<string, string | number>;
}

/** A text to show: a catalog message, or a key of it, or (from below the web layer) plain text. */
export type Text = Message | string;

export const message = (key: string, params?: Record<string, string | number>): Message => ({ key, params });

export interface PageView {
  /** the template's name: templates/<name>.liquid, or the theme folder's file of that name */
  template: string;
  data: Record<string, unknown>;
  /** the signed-in user's stored language, which wins over Accept-Language */
  language?: string | null;
}
