import { adminHeaders, resetEmulator } from './emulator.js';

/** Read the emulator's inspection API as a user's test would. */
export async function inspect<T = any>(url: string, path: string): Promise<T> {
  const res = await fetch(`${url}/_eventbridge-local/${path}`, { headers: adminHeaders(url) });
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

/** A target's captures in the order they were made (the API lists them newest first). */
export async function captures(url: string, targetArn: string): Promise<any[]> {
  return (await inspect(url, `captures?targetArn=${encodeURIComponent(targetArn)}&limit=1000`)).captures.reverse();
}

/** A queue's dead letters in the order they arrived (the API lists them newest first). */
export async function deadLetters(url: string, queueArn: string): Promise<any[]> {
  return (await inspect(url, `dead-letters?queueArn=${encodeURIComponent(queueArn)}&limit=1000`)).messages.reverse();
}

export async function reset(url: string): Promise<void> {
  await resetEmulator(url);
}
