import { type RefObject, useLayoutEffect } from 'react';

/**
 * Where the editor shows what a person wrote, found in jdm-editor 1.52's markup: nothing inside is
 * ever translated, even a node named "Request" or a column named "Type".
 */
const USER_CONTENT = [
  // Never text: styles, scripts, and what fields hold (their placeholders are labels: see FIELDS).
  'style',
  'script',
  'input',
  'textarea',
  'select',
  '[contenteditable]:not([contenteditable="false"])',
  // Expressions, cells and function code: CodeMirror (with its completions) and Monaco.
  '.cm-editor',
  '.cm-tooltip',
  '.CodeMirror',
  '.monaco-editor',
  // A node's name on its card, a decision-table column's name (both click-to-edit).
  '.grl-text-edit',
  // A column's field path, the table's cells, the columns in the reorder dialog.
  '.grl-field-edit',
  '.cell-wrapper',
  '.grl-dt__fields-reorder__item',
  // The list view's cards (node names and descriptions).
  '.config-item-card',
  // A node's tab is titled with its name; the tab bar's overflow menu lists those names.
  '.grl-graph-tabs .ant-tabs-tab:not([data-node-key="graph"])',
  '.ant-tabs-dropdown',
  // What a select holds and offers (dictionaries, Excel headers, simulation indexes).
  '.ant-select-selection-item',
  '.ant-select-dropdown',
  // "Are you sure you want to delete <name> node.": the name.
  '.ant-modal-confirm-content strong',
  // The bodies of the editor's dialogs other than confirmations (the Excel import's mapping rows mix
  // the spreadsheet's columns with labels); their titles and buttons are translated.
  '.ant-modal:not(.ant-modal-confirm) .ant-modal-body',
  // Whatever the host marks as not to be translated.
  '[translate="no"]',
].join(',');

/** Fields: their text is a person's, their own placeholder, title and aria-label are labels. */
const FIELDS = 'input, textarea';

/** The components panel names the node kinds with the same click-to-edit component as a node's name. */
const PALETTE = '.grl-dg__aside__menu__components';

const ATTRIBUTES = ['title', 'placeholder', 'aria-label'] as const;

/** An element whose text is a person's own. */
function isUserContent(element: Element): boolean {
  if (!element.matches(USER_CONTENT)) return false;
  return !(element.matches('.grl-text-edit') && element.closest(PALETTE));
}

/** True when element, or an element between it and root, holds a person's own text. */
function withinUserContent(element: Element | null, root: Element): boolean {
  for (let current = element; current && current !== root; current = current.parentElement) {
    if (isUserContent(current)) return true;
  }
  return false;
}

interface Replaced {
  readonly original: string;
  readonly shown: string;
}

/**
 * Replaces the editor's labels under root by their translation, remembering each original so that
 * restore() puts the English back. A value is replaced only when the whole of it, trimmed, is a key.
 */
class ChromeTranslator {
  private readonly texts = new WeakMap<Text, Replaced>();
  private readonly attributes = new WeakMap<Element, Map<string, Replaced>>();

  constructor(
    private readonly root: Element,
    private readonly dictionary: ReadonlyMap<string, string>,
  ) {}

  translateAll(): void {
    this.visit(this.root);
  }

  apply(records: readonly MutationRecord[]): void {
    for (const record of records) {
      const target = record.target;
      if (!this.root.contains(target)) continue;
      if (record.type === 'childList') {
        const parent = target instanceof Element ? target : target.parentElement;
        if (withinUserContent(parent, this.root)) continue;
        record.addedNodes.forEach((node) => {
          if (this.root.contains(node)) this.visit(node);
        });
      } else if (record.type === 'characterData') {
        if (target instanceof Text && !withinUserContent(target.parentElement, this.root))
          this.replaceText(target);
      } else if (record.type === 'attributes' && target instanceof Element && record.attributeName) {
        const owner = target.matches(FIELDS) ? target.parentElement : target;
        if (!withinUserContent(owner, this.root)) this.replaceAttribute(target, record.attributeName);
      }
    }
  }

  /** Puts back the English of every label still showing its translation. */
  restore(): void {
    const walker = document.createTreeWalker(this.root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node: Node | null = walker.currentNode; node; node = walker.nextNode()) {
      if (node instanceof Text) {
        const replaced = this.texts.get(node);
        if (replaced && node.data === replaced.shown) node.data = replaced.original;
      } else if (node instanceof Element) {
        for (const [name, replaced] of this.attributes.get(node) ?? []) {
          if (node.getAttribute(name) === replaced.shown) node.setAttribute(name, replaced.original);
        }
      }
    }
  }

  /** Translates node and what it holds; what encloses it is known not to be a person's text. */
  private visit(node: Node): void {
    if (node instanceof Text) {
      this.replaceText(node);
      return;
    }
    if (!(node instanceof Element)) return;
    if (node.matches(FIELDS) || !isUserContent(node)) {
      for (const name of ATTRIBUTES) this.replaceAttribute(node, name);
    }
    if (isUserContent(node)) return;
    node.childNodes.forEach((child) => {
      this.visit(child);
    });
  }

  private translation(value: string): string | undefined {
    const key = value.trim();
    const shown = key ? this.dictionary.get(key) : undefined;
    return shown === undefined ? undefined : value.replace(key, () => shown);
  }

  private replaceText(node: Text): void {
    const replaced = this.texts.get(node);
    if (replaced && node.data === replaced.shown) return;
    const shown = this.translation(node.data);
    if (shown === undefined) {
      // Written since by the editor itself: not ours any more.
      if (replaced) this.texts.delete(node);
      return;
    }
    this.texts.set(node, { original: node.data, shown });
    node.data = shown;
  }

  private replaceAttribute(element: Element, name: string): void {
    const value = element.getAttribute(name);
    if (value === null) return;
    const known = this.attributes.get(element);
    if (known?.get(name)?.shown === value) return;
    const shown = this.translation(value);
    if (shown === undefined) {
      known?.delete(name);
      return;
    }
    const map = known ?? new Map<string, Replaced>();
    map.set(name, { original: value, shown });
    this.attributes.set(element, map);
    element.setAttribute(name, shown);
  }
}

/**
 * Shows the decision-graph editor's own labels in the page's language: given a dictionary (null for
 * English, the editor's own), it translates what root holds now and whatever the editor renders
 * there later; without one, or on unmount, it disconnects and puts the English back.
 */
export function useEditorChrome(
  root: RefObject<HTMLElement | null>,
  dictionary: ReadonlyMap<string, string> | null,
): void {
  // Before paint, so that the English does not flash; later changes are translated in the observer's
  // microtask, also before paint.
  useLayoutEffect(() => {
    const element = root.current;
    if (!element || !dictionary) return;
    const translator = new ChromeTranslator(element, dictionary);
    translator.translateAll();
    const observer = new MutationObserver((records) => translator.apply(records));
    observer.observe(element, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: [...ATTRIBUTES],
    });
    return () => {
      observer.disconnect();
      translator.restore();
    };
  }, [root, dictionary]);
}
