namespace Portal.Benchmarks;

/// <summary>One benchmark: run by name from scripts/bench.sh; prints its figures to standard output.</summary>
public interface IBenchmark
{
    /// <summary>The name given on the command line, e.g. "host-list".</summary>
    string Name { get; }

    /// <summary>One line: what it measures and the goal.</summary>
    string Description { get; }

    Task RunAsync(string[] args, CancellationToken cancellationToken);
}
