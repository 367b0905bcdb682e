/**
 * `compute`, remembering its last argument and answer: for values asked for many times in a
 * row with the same argument (the text of the current second or millisecond, per event).
 */
export function rememberLast<A, R>(compute: (arg: A) => R): (arg: A) => R {
  let known = false;
  let lastArg: A;
  let lastResult: R;
  return (arg) => {
    if (!known || arg !== lastArg) {
      lastResult = compute(arg);
      lastArg = arg;
      known = true;
    }
    return lastResult;
  };
}
