using GhostYolo.Tracking;
using OpenCvSharp;

namespace GhostYolo.Tests.Tracking;

public class LineCrossingTests
{
    private static readonly Point A = new(0, 100), B = new(200, 100);   // a horizontal line, A→B pointing right

    [Fact]
    public void Moving_down_across_a_rightward_line_is_in_and_up_is_out()
    {
        // With y pointing down, the right-hand side of A→B on screen is below the line.
        Assert.True(TrackingSession.Crosses(new Point(50, 90), new Point(52, 110), A, B));
        Assert.False(TrackingSession.Crosses(new Point(50, 110), new Point(52, 90), A, B));
    }

    [Fact]
    public void Steps_that_stay_on_one_side_or_pass_beside_the_segment_do_not_count()
    {
        Assert.Null(TrackingSession.Crosses(new Point(50, 90), new Point(60, 95), A, B));
        Assert.Null(TrackingSession.Crosses(new Point(250, 90), new Point(250, 110), A, B));   // beyond B
    }
}
