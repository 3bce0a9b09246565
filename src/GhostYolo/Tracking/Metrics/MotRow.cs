namespace GhostYolo.Tracking.Metrics;

/// <summary>
/// One row of a MOTChallenge text file (<c>frame,id,x,y,w,h,conf,...</c>): a box in pixels, top-left corner plus
/// width and height, in a frame numbered from 1. <see cref="Conf"/> is column 7: the tracker's confidence, or in
/// ground truth the "considered" flag (0 = ignore this box); <c>null</c> when the file has only six columns.
/// </summary>
internal readonly record struct MotRow(int Frame, int Id, double X, double Y, double W, double H, double? Conf = null);
