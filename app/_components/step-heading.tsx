'use client';

import { useEffect, useRef, type ReactNode } from 'react';

/** The heading of a step that has just appeared: it takes focus, so keyboard and screen-reader users start there. */
export function StepHeading({ level = 2, id, className, children }: { level?: 2 | 3; id?: string; className?: string; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const Tag = level === 2 ? 'h2' : 'h3';
  return (
    <Tag ref={ref} id={id} tabIndex={-1} className={className}>
      {children}
    </Tag>
  );
}
