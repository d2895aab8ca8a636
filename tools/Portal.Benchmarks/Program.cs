// Usage: dotnet run -c Release --project tools/Portal.Benchmarks -- <name> [args]   (or ./scripts/bench.sh <name>)
using Portal.Benchmarks;

var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmark).IsAssignableFrom(t))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || benchmarks.All(b => b.Name != args[0]))
{
    Console.Error.WriteLine("usage: scripts/bench.sh <name> [args]   (all: runs every benchmark)");
    foreach (var benchmark in benchmarks)
        Console.Error.WriteLine($"  {benchmark.Name,-24} {benchmark.Description}");
    if (args is ["all"])
    {
        foreach (var benchmark in benchmarks)
        {
            Console.WriteLine($"== {benchmark.Name}: {benchmark.Description}");
            await benchmark.RunAsync([], CancellationToken.None);
        }
        return 0;
    }
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
var chosen = benchmarks.First(b => b.Name == args[0]);
Console.WriteLine($"== {chosen.Name}: {chosen.Description}");
await chosen.RunAsync(args[1..], cancellation.Token);
return 0;
