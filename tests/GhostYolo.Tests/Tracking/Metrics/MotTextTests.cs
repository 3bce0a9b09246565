using GhostYolo.Tracking.Metrics;

namespace GhostYolo.Tests.Tracking.Metrics;

public class MotTextTests
{
    static IReadOnlyList<MotRow> Parse(string text, int? maxFrame = null) => MotText.Parse(new StringReader(text), "seq/gt/gt.txt", maxFrame);

    [Fact]
    public void ReadsMot17GroundTruthTrackerRowsAndSixColumnRows()
    {
        var rows = Parse("1,1,912,484,97,109,0,7,1\n1,2,1338,418,167,379,1,1,1\n\n2, 3, 10.5, 20, 30, 40, 0.91, -1, -1, -1\n3,4,1,2,3,4\n4.0,5,1,2,3,4,\n");
        Assert.Equal(5, rows.Count);
        Assert.Equal(new MotRow(1, 1, 912, 484, 97, 109, 0), rows[0]);
        Assert.Equal(new MotRow(2, 3, 10.5, 20, 30, 40, 0.91), rows[2]);
        Assert.Null(rows[3].Conf);
        Assert.Equal(4, rows[4].Frame);
        Assert.Null(rows[4].Conf);                          // a trailing comma is not a seventh column
    }

    [Fact]
    public void WhitespaceSeparatedRowsAreAccepted()
        => Assert.Equal(new MotRow(1, 2, 3, 4, 5, 6, 1), Parse("1 2 3 4 5 6 1")[0]);

    [Theory]
    [InlineData("1,1,2,3,4\n", ":1: 5 columns")]
    [InlineData("1,1,2,3,4,5\n1,2,x,3,4,5\n", ":2: column 3 (x) is \"x\", not a number")]
    [InlineData("1.5,1,2,3,4,5\n", ":1: column 1 (frame) is \"1.5\", not an integer")]
    [InlineData("0,1,2,3,4,5\n", ":1: frame 0; MOT frames are numbered from 1")]
    [InlineData("1,1,2,3,4,5\n\n1,1,5,5,5,5\n", ":3: id 1 appears twice in frame 1 (first on line 1)")]
    [InlineData("1,1,2,3,4,NaN\n", ":1: column 6 (h) is \"NaN\", not a number")]
    public void BadRowsNameFileAndLine(string text, string expected)
    {
        var e = Assert.Throws<MotFormatException>(() => Parse(text));
        Assert.StartsWith("seq/gt/gt.txt:", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void RowsPastSeqLengthAreAnError()
    {
        var e = Assert.Throws<MotFormatException>(() => Parse("1,1,1,1,1,1\n6,1,1,1,1,1\n", maxFrame: 5));
        Assert.Contains("seq/gt/gt.txt:2: frame 6 is past the sequence's end (seqLength = 5", e.Message);
    }

    [Fact]
    public void SeqInfoIsFoundBesideTheGtFolderAndRead()
    {
        var dir = Directory.CreateTempSubdirectory("ghostyolo-mot-");
        try
        {
            var seq = Path.Combine(dir.FullName, "SEQ-01");
            Directory.CreateDirectory(Path.Combine(seq, "gt"));
            var gt = Path.Combine(seq, "gt", "gt.txt");
            File.WriteAllText(gt, "1,1,0,0,10,10,1,1,1\n");
            Assert.Null(SeqInfo.FindFor(gt));
            File.WriteAllText(Path.Combine(seq, "seqinfo.ini"),
                "[Sequence]\nname=SEQ-01\nimDir=img1\nframeRate=30\nseqLength=12\nimWidth=640\nimHeight=480\nimExt=.jpg\n");
            var ini = SeqInfo.FindFor(gt);
            Assert.Equal(Path.Combine(seq, "seqinfo.ini"), ini);
            Assert.Equal(new SeqInfo(12, "SEQ-01", "img1", 30, 640, 480, ".jpg"), SeqInfo.Read(ini!));

            var trk = Path.Combine(dir.FullName, "SEQ-01.txt");
            File.WriteAllText(trk, "1,4,0,0,10,10,0.9,-1,-1,-1\n13,4,0,0,10,10,0.9,-1,-1,-1\n");
            var e = Assert.Throws<MotFormatException>(() => MotEvaluator.EvaluateFiles(gt, trk));
            Assert.Contains($"{trk}:2: frame 13 is past the sequence's end (seqLength = 12", e.Message);

            File.WriteAllText(trk, "1,4,0,0,10,10,0.9,-1,-1,-1\n");
            var m = MotEvaluator.EvaluateFiles(gt, trk);
            Assert.Equal(12, m.Frames);
            Assert.Equal(1.0, m.IDF1);

            File.WriteAllText(Path.Combine(seq, "seqinfo.ini"), "[Sequence]\nname=SEQ-01\n");
            var missing = Assert.Throws<MotFormatException>(() => SeqInfo.Read(ini!));
            Assert.Contains("no seqLength", missing.Message);
        }
        finally { dir.Delete(true); }
    }
}
