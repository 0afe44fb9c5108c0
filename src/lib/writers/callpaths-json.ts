import type { CallPathList } from '../callpaths/call-path-list.ts';

/** callpaths.json with one dimension per line, so that it stays readable and diffable. */
export function* callPathListLines(list: CallPathList): Generator<string> {
  const { dimensions, ...head } = list.toJSON();
  yield `${JSON.stringify(head).slice(0, -1)},"dimensions":[`;
  for (let i = 0; i < dimensions.length; i++) yield ` ${JSON.stringify(dimensions[i])}${i + 1 < dimensions.length ? ',' : ''}`;
  yield ']}';
}
