using System.IO.Pipelines;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Web.Tests.Webhooks;

namespace Portal.Web.Tests.Lifecycle;

/// <summary>
/// SIGTERM to a running portal process: readiness turns false first, a push whose body is still arriving is answered
/// and recorded, and the process exits by itself with 0.
/// </summary>
public sealed class GracefulShutdownTests(ReleasePortalFixture fixture) : IClassFixture<ReleasePortalFixture>
{
    private static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task On_SIGTERM_readiness_goes_false_and_the_request_in_flight_completes()
    {
        var (host, repository) = await fixture.CreateHostWithPipelinesAsync();
        var settings = ReleasePortalFixture.Settings(fixture.Emulator, fixture.GitLab, runJobServer: false);
        settings["Portal:Shutdown:DrainDelay"] = DrainDelay.ToString();
        settings["Portal:Shutdown:Timeout"] = "00:00:30";
        // Shown if the request in flight is cut off: why Kestrel closed it.
        settings["Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel"] = "Debug";
        await using var portal = await PortalProcess.StartAsync(fixture.ConnectionString, settings);
        using var client = new HttpClient { BaseAddress = portal.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        // A push whose body arrives slowly, over about 10 s, yet fast enough for Kestrel's minimum request body rate (240
        // bytes/s): padded with the blank space JSON allows before a value, so the push is complete only with its last byte.
        var body = Encoding.UTF8.GetBytes(new string(' ', 24000) + ReleasePortalFixture.PushOf(repository, "dev"));
        var pipe = new Pipe();
        var request = GitLabSender.Push("", host.WebhookToken);
        request.Content = new StreamContent(pipe.Reader.AsStream());
        request.Content.Headers.ContentType = new("application/json");
        request.Content.Headers.ContentLength = body.Length;
        using var slowClient = new HttpClient { BaseAddress = portal.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var answer = slowClient.SendAsync(request);
        var trickle = TrickleAsync(pipe.Writer, body, TimeSpan.FromSeconds(10));
        await Task.Delay(1000);
        Assert.False(answer.IsCompleted);

        portal.Terminate();
        var stopping = DateTimeOffset.UtcNow;
        var notReady = await Poll.UntilAsync(() => ReadyStatusAsync(client), status => status == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(5), "readiness to turn false", status => status.ToString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady);
        Assert.False(answer.IsCompleted);

        // Past the drain the portal takes no new request, but finishes the one in flight.
        var pastDrain = DrainDelay + TimeSpan.FromSeconds(1) - (DateTimeOffset.UtcNow - stopping);
        if (pastDrain > TimeSpan.Zero) await Task.Delay(pastDrain);
        using var late = new HttpClient { BaseAddress = portal.BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => late.GetAsync("/health/live"));
        Assert.False(trickle.IsCompleted, "The body was sent before the drain ended: the test proves nothing.");
        HttpResponseMessage response;
        try
        {
            await trickle;
            response = await answer;
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"The push in flight was cut off ({e.Message}). The portal wrote:\n{portal.Output}", e);
        }
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}\n{portal.Output}");

        Assert.Equal(0, await portal.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var releaseId = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("releaseId").GetGuid();
        var recorded = await fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().PushDeliveries
            .CountAsync(d => d.ReleaseId == releaseId));
        Assert.Equal(1, recorded);
    }

    /// <summary>Writes the body in small pieces spread evenly over the duration, then completes it.</summary>
    private static async Task TrickleAsync(PipeWriter writer, byte[] body, TimeSpan duration)
    {
        const int Pieces = 100;
        var size = (body.Length + Pieces - 1) / Pieces;
        for (var offset = 0; offset < body.Length; offset += size)
        {
            await writer.WriteAsync(body.AsMemory(offset, Math.Min(size, body.Length - offset)));
            await Task.Delay(duration / Pieces);
        }
        await writer.CompleteAsync();
    }

    private static async Task<HttpStatusCode> ReadyStatusAsync(HttpClient client)
    {
        try
        {
            return (await client.GetAsync("/health/ready")).StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }
}
