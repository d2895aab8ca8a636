using System.Text.Json;
using Portal.Data.Text;
using Portal.Web.Api;

namespace Portal.Web.Edge;

/// <summary>
/// The one place that refuses text Postgres cannot store (NUL, an unpaired surrogate) before any page or endpoint sees
/// it: in the path (route values), the query string, a JSON body's strings and a form's fields. Such a request is
/// answered 400 with problem details and logged in one line. The GitLab webhook is left alone: what GitLab sends is
/// made storable where it is received (<see cref="PostgresText"/>), so a push is never refused for it.
/// </summary>
public sealed class InputHygiene(RequestDelegate next, ILogger<InputHygiene> logger)
{
    /// <summary>Bodies longer than this are not scanned here (the API's bodies are small; the endpoints cap their fields).</summary>
    public const int MaxScannedBodyBytes = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/hooks"))
        {
            await next(context);
            return;
        }
        var refused = UnstorablePart(request) ?? await UnstorableBodyPartAsync(request, context.RequestAborted);
        if (refused is null)
        {
            await next(context);
            return;
        }
        logger.LogWarning("Refused {Method} {Path}: {Reason}", request.Method, PostgresText.Clip(request.Path.Value, 300), refused);
        await ApiProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "Unusable characters", $"{refused} Remove it and try again.");
    }

    private static string? UnstorablePart(HttpRequest request)
    {
        if (!PostgresText.IsStorable(request.Path.Value)) return Unstorable("path");
        foreach (var (key, values) in request.Query)
        {
            if (!PostgresText.IsStorable(key)) return Unstorable("query");
            foreach (var value in values)
                if (!PostgresText.IsStorable(value)) return Unstorable($"query parameter '{PostgresText.Storable(key)}'");
        }
        return null;
    }

    private static async Task<string?> UnstorableBodyPartAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0 || request.ContentLength > MaxScannedBodyBytes) return null;
        if (request.HasFormContentType) return await UnstorableFormFieldAsync(request, cancellationToken);
        if (!IsJson(request.ContentType)) return null;
        request.EnableBuffering();
        var body = await ReadAtMostAsync(request.Body, MaxScannedBodyBytes, cancellationToken);
        request.Body.Position = 0;
        return body is null || JsonIsStorable(body) ? null : Unstorable("JSON body");
    }

    private static async Task<string?> UnstorableFormFieldAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return $"The form cannot be read: {e.Message}";
        }
        foreach (var (key, values) in form)
            if (!PostgresText.IsStorable(key) || values.Any(value => !PostgresText.IsStorable(value))) return Unstorable("form");
        return null;
    }

    private static string Unstorable(string part) =>
        $"The request's {part} has a NUL character or an unpaired surrogate, which the portal cannot store.";

    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
                                    || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));

    private static async Task<byte[]?> ReadAtMostAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Every string and property name of the JSON, unescaped, is storable; JSON that does not parse is the endpoint's to refuse.</summary>
    private static bool JsonIsStorable(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !PostgresText.IsStorable(reader.GetString()))
                    return false;
        }
        catch (JsonException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // An escape that is no UTF-16 text (a lone surrogate): not storable either.
        }
        return true;
    }
}
