using ProxyCluster.Cli.Output;

namespace ProxyCluster.Cli.Tests.Output;

public sealed class TableWriterTests
{
    [Fact]
    public void WriteTo_Rows_AlignsColumnsTwoSpacesApartWithoutTrailingBlanks()
    {
        var table = new TableWriter("ID", "PRINCIPAL", "STATUS");
        table.AddRow("abc", "a-much-longer-principal", "active");
        table.AddRow("defghijklmno", "x", "revoked");

        Assert.Equal(
            "ID            PRINCIPAL                STATUS\n" +
            "abc           a-much-longer-principal  active\n" +
            "defghijklmno  x                        revoked\n",
            Write(table));
    }

    [Fact]
    public void WriteTo_NullOrEmptyCell_IsADash()
    {
        var table = new TableWriter("A", "B", "C");
        table.AddRow(null, "", "c");

        Assert.Equal("A  B  C\n-  -  c\n", Write(table));
    }

    [Fact]
    public void WriteTo_EmptyLastCell_LeavesNoTrailingBlanks()
    {
        var table = new TableWriter("NAME", "LONG-HEADER");
        table.AddRow("a-long-name", "x");

        Assert.All(Write(table).Split('\n'), line => Assert.Equal(line.TrimEnd(), line));
    }

    [Fact]
    public void AddRow_NewlineInACell_StaysOnOneRow()
    {
        var table = new TableWriter("ID", "REASON");
        table.AddRow("a", "leaked\nin CI\tlog\u001b[31m");

        var lines = Write(table).TrimEnd('\n').Split('\n');

        Assert.Equal(2, lines.Length);
        Assert.Equal("a   leaked in CI log [31m", lines[1]);
    }

    [Fact]
    public void AddRow_WrongNumberOfCells_Throws()
    {
        var table = new TableWriter("A", "B");

        Assert.Throws<ArgumentException>(() => table.AddRow("only one"));
    }

    [Fact]
    public void WriteFields_Pairs_AlignsValues()
    {
        using var output = new StringWriter { NewLine = "\n" };

        TableWriter.WriteFields(output, [("id", "abc"), ("end reason", null)]);

        Assert.Equal("id          abc\nend reason  -\n", output.ToString());
    }

    [Theory]
    [InlineData("2030-01-02T03:04:05.9999999+00:00", "2030-01-02T03:04:05Z")]
    [InlineData("2030-01-02T05:04:05+02:00", "2030-01-02T03:04:05Z")]
    [InlineData("2029-12-31T23:30:00-01:00", "2030-01-01T00:30:00Z")]
    public void Time_AnyOffset_IsUtcIso8601WithoutFraction(string value, string expected)
    {
        Assert.Equal(expected, Cell.Time(DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Time_Null_IsADash()
    {
        Assert.Equal("-", Cell.Time(null));
    }

    [Fact]
    public void Routes_EmptyMeansEveryRoute_OthersAreCommaSeparated()
    {
        Assert.Equal("*", Cell.Routes([]));
        Assert.Equal("*", Cell.Routes(null));
        Assert.Equal("sales,hr", Cell.Routes(["sales", "hr"]));
    }

    private static string Write(TableWriter table)
    {
        using var output = new StringWriter { NewLine = "\n" };
        table.WriteTo(output);
        return output.ToString();
    }
}
