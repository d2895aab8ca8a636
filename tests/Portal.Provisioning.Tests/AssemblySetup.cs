// Hangfire keeps process-wide state (its log provider among it), so two portals must not run at once in one test
// process: test classes here run one after another. Test projects still run in parallel with each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
