using Portal.AwsEmulator.CertificateManager;
using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.Admin;

/// <summary>
/// The emulator's own endpoints under /_emulator: faults, delays, the clock's skew, statistics, seeding and reset. They are for tests
/// and demos and are not signed like AWS calls.
/// </summary>
public static class AdminEndpoints
{
    public const string Prefix = "/_emulator";

    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(Prefix);
        admin.MapGet("/health", () => Results.Ok(new { status = "ok" }));

        admin.MapGet("/faults", (FaultRules faults) => faults.Snapshot());
        admin.MapPost("/faults", (FaultSettings added, FaultRules faults) => faults.Add(added));
        admin.MapDelete("/faults", (FaultRules faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });
        admin.MapDelete("/faults/{id}", (string id, FaultRules faults) => faults.Remove(id) ? Results.NoContent() : Results.NotFound());

        admin.MapGet("/settings", (EmulatorTimings timings) => timings.Snapshot());
        admin.MapPut("/settings", (TimingSettings settings, EmulatorTimings timings) =>
        {
            timings.Apply(settings);
            return timings.Snapshot();
        });

        admin.MapGet("/clock", (EmulatorClock clock) => new ClockSettings(clock.Skew, clock.Now));
        admin.MapPut("/clock", (ClockSettings settings, EmulatorClock clock) =>
        {
            clock.Skew = settings.Skew ?? TimeSpan.Zero;
            return new ClockSettings(clock.Skew, clock.Now);
        });

        admin.MapGet("/stats", (OperationStats stats) => stats.Snapshot());
        admin.MapDelete("/stats", (OperationStats stats) =>
        {
            stats.Reset();
            return Results.NoContent();
        });

        admin.MapPost("/seed/listeners", (SeedListener listener, Seeder seeder) => Refusable(() =>
        {
            var seeded = seeder.SeedListener(listener);
            return Results.Ok(new { listenerArn = seeded.Arn, loadBalancerArn = seeded.LoadBalancerArn });
        }));
        admin.MapPost("/seed/certificates", (SeedCertificate certificate, Seeder seeder) =>
            Refusable(() => Results.Ok(new { certificateArn = seeder.SeedCertificate(certificate).Arn })));

        admin.MapPost("/seed/buckets", (SeedBucket bucket, Seeder seeder) =>
        {
            seeder.SeedBucket(bucket);
            return Results.NoContent();
        });

        admin.MapPost("/reset", (EmulatorState state, FaultRules faults, OperationStats stats, EmulatorClock clock, Seeder seeder) =>
        {
            state.Reset();
            faults.Clear();
            stats.Reset();
            clock.Skew = TimeSpan.Zero;
            seeder.SeedConfigured();
            return Results.NoContent();
        });

        admin.MapGet("/state", (EmulatorState state) => Results.Text(state.Save().ToJsonString(), "application/json"));
    }

    /// <summary>Bad seeding input is a 400 with the reason, never a 500.</summary>
    private static IResult Refusable(Func<IResult> seed)
    {
        try
        {
            return seed();
        }
        catch (AwsServiceException error)
        {
            return Results.BadRequest(new { code = error.Code, message = error.Message });
        }
    }
}
