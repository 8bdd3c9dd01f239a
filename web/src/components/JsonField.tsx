import { Form, Input } from 'antd';

/** A form field holding a JSON object as text (a product's configuration, a graph's content). */
export function JsonField({
  name,
  label,
  invalid,
  rows = [12, 30],
}: {
  name: string;
  label: string;
  /** The message when the text is not a JSON object. */
  invalid: string;
  rows?: [number, number];
}) {
  return (
    <Form.Item
      name={name}
      label={label}
      rules={[
        {
          validator: async (_rule, value: string) => {
            try {
              const parsed: unknown = JSON.parse(value);
              if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
            } catch {
              throw new Error(invalid);
            }
          },
        },
      ]}
    >
      <Input.TextArea
        autoSize={{ minRows: rows[0], maxRows: rows[1] }}
        style={{ fontFamily: 'monospace', fontSize: 12 }}
      />
    </Form.Item>
  );
}
