using System.Globalization;
using System.Text;

namespace Portal.AwsEmulator.Protocol;

/// <summary>
/// Opaque pagination tokens (NextToken, NextMarker): the position to continue from, bound to the listing it came
/// from so a token from another listing is refused, as AWS refuses it.
/// </summary>
public static class PageToken
{
    public static string Encode(string listing, int position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{listing}\n{position.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>The position, 0 without a token, or null when the token is not one this listing issued.</summary>
    public static int? Decode(string listing, string? token)
    {
        if (string.IsNullOrEmpty(token)) return 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var newline = text.LastIndexOf('\n');
            return newline > 0 && text[..newline] == listing && int.TryParse(text[(newline + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                ? position
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>One page of a list and the token for the next page (null on the last page).</summary>
    public static (IReadOnlyList<T> Items, string? NextToken) Page<T>(IReadOnlyList<T> items, string listing, int position, int pageSize)
    {
        var page = items.Skip(position).Take(pageSize).ToList();
        var next = position + page.Count;
        return (page, next < items.Count ? Encode(listing, next) : null);
    }
}
