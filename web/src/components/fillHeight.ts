import { type RefObject, useLayoutEffect, useState } from 'react';

/**
 * The height that takes an element from where it starts down to the bottom of the window, less the
 * bottom padding of the page's <main>, and never less than `min`: a full-height tool (the decision
 * graph editor) then fills the page below its header and the page has nothing to scroll. It follows
 * the window's size and whatever grows or shrinks above the element (an alert, a line of text): either
 * changes the body's size, which is watched.
 */
export function useFillHeight(ref: RefObject<HTMLElement | null>, min: number): number {
  const [height, setHeight] = useState(min);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const main = element.closest('main');
      const padding = main ? Number.parseFloat(getComputedStyle(main).paddingBottom) || 0 : 0;
      const top = element.getBoundingClientRect().top + window.scrollY;
      setHeight(Math.max(min, Math.floor(window.innerHeight - top - padding)));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, [ref, min]);
  return height;
}
