import type { ReactNode } from 'react';

/** One of the updates page's tables: a caption for screen readers, column headers, the rows given. */
export function Table({ caption, head, children, testId }: { caption: string; head: string[]; children: ReactNode; testId: string }) {
  return (
    <div className="updates__table-wrap">
      <table className="updates-table" data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
