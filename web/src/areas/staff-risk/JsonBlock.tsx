/** Raw JSON for staff to read (decision inputs, trace data), scrolling inside its own box. */
export function JsonBlock({ value }: { value: unknown }) {
  return (
    <pre style={{ maxHeight: 320, overflow: 'auto', fontSize: 12, margin: 0, whiteSpace: 'pre-wrap' }}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
