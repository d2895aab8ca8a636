namespace Portal.Provisioning.Tests;

public static class Text
{
    /// <summary>Replaces the first occurrence, failing the test when the text does not contain it.</summary>
    public static string ReplaceOnce(string text, string oldValue, string newValue)
    {
        var index = text.IndexOf(oldValue, StringComparison.Ordinal);
        Assert.True(index >= 0, $"'{oldValue}' not in the template");
        return text[..index] + newValue + text[(index + oldValue.Length)..];
    }
}
