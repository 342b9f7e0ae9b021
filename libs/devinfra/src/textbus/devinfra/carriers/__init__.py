"""Carrier simulators: real HTTP servers speaking each carrier's API as its documentation and SDKs
describe it (auth checked, its validations and answers, status callbacks signed its way), with
faults on demand. Used by tests, the benchmark and ``./dev run``; they know nothing of the gateway."""
