import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md px-4 py-16 text-center">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-4">
        That page does not exist, or you may not open it. <Link href="/">Go to the start page</Link>
      </p>
    </main>
  );
}
