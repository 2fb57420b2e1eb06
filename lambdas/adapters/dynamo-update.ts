/**
 * An UpdateItem expression built attribute by attribute: every name aliased (`#name`, so reserved words such as
 * `status` need no care) and every value a placeholder (`:name`).
 */
import type { AttributeValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';

export class UpdateBuilder {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly adds: string[] = [];
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};

  /** `#attr` for a name, declared once. */
  name(attr: string): string {
    this.names[`#${attr}`] = attr;
    return `#${attr}`;
  }

  /** `:key` for a value (the key defaults to the attribute it is compared with or written to). */
  value(key: string, v: AttributeValue): string {
    this.values[`:${key}`] = v;
    return `:${key}`;
  }

  set(attr: string, v: AttributeValue | undefined): this {
    if (v === undefined) return this.remove(attr);
    this.sets.push(`${this.name(attr)} = ${this.value(attr, v)}`);
    return this;
  }

  /** `SET attr = expression` with an expression written by the caller (its names and values declared through this). */
  setExpression(attr: string, expression: string): this {
    this.sets.push(`${this.name(attr)} = ${expression}`);
    return this;
  }

  remove(...attrs: readonly string[]): this {
    for (const attr of attrs) this.removes.push(this.name(attr));
    return this;
  }

  add(attr: string, v: AttributeValue): this {
    this.adds.push(`${this.name(attr)} ${this.value(attr, v)}`);
    return this;
  }

  /** The expression, names and values for an `UpdateItemCommand`. */
  build(
    condition?: string,
  ): Pick<
    UpdateItemCommandInput,
    'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
  > {
    const parts = [
      this.sets.length > 0 ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length > 0 ? `REMOVE ${[...new Set(this.removes)].join(', ')}` : '',
      this.adds.length > 0 ? `ADD ${this.adds.join(', ')}` : '',
    ];
    return {
      UpdateExpression: parts.filter(Boolean).join(' '),
      ...(condition !== undefined && { ConditionExpression: condition }),
      ExpressionAttributeNames: this.names,
      ...(Object.keys(this.values).length > 0 && { ExpressionAttributeValues: this.values }),
    };
  }
}
