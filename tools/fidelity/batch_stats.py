"""Statistics of dumped training batches (yolov5_steps.py $V5DUMP, replay.cs dump): targets per image, box sizes and
aspect ratios, boxes at the border, class shares, pixel means and HSV saturation / value, over every STEP-th batch.
usage: python3 batch_stats.py DUMP_DIR [DUMP_DIR ...]   (needs numpy and OpenCV)
"""
import sys, json, numpy as np, cv2
def stats(d, step=5, n=1500):
    sh=json.load(open(f"{d}/shape.json")); H,W=sh["height"],sh["width"]
    cnt=[];side=[];ar=[];cls=[];grey=[];mean=[];sat=[];val=[];edge=[];cx=[];cy=[]
    for i in range(0,n,step):
        im=np.fromfile(f"{d}/{i:05d}.u8",dtype=np.uint8).reshape(-1,3,H,W)
        t=np.fromfile(f"{d}/{i:05d}.f32",dtype=np.float32).reshape(-1,6)
        B=im.shape[0]
        cnt+= [int((t[:,0]==k).sum()) for k in range(B)]
        w=t[:,4]*W; h=t[:,5]*H
        side+=list(np.sqrt(w*h)); ar+=list(np.maximum(w/h,h/w)); cls+=list(t[:,1])
        x1=(t[:,2]-t[:,4]/2)*W; x2=(t[:,2]+t[:,4]/2)*W; y1=(t[:,3]-t[:,5]/2)*H; y2=(t[:,3]+t[:,5]/2)*H
        edge+=list((x1<0.5)|(y1<0.5)|(x2>W-0.5)|(y2>H-0.5)); cx+=list(t[:,2]); cy+=list(t[:,3])
        for k in range(B):
            hwc=im[k].transpose(1,2,0)
            g=(hwc==114).all(2); grey.append(g.mean())
            mean.append(hwc.reshape(-1,3).mean(0))
            hsv=cv2.cvtColor(np.ascontiguousarray(hwc[:,:,::-1]),cv2.COLOR_BGR2HSV)
            nz=~g
            sat.append(hsv[:,:,1][nz].mean() if nz.any() else 0); val.append(hsv[:,:,2][nz].mean() if nz.any() else 0)
    side=np.array(side); cnt=np.array(cnt)
    out={"images":len(cnt),"targets/img":cnt.mean(),"empty imgs":(cnt==0).mean(),
         "side q10/50/90":np.percentile(side,[10,50,90]).round(1).tolist(),"side<8px":(side<8).mean(),"side<16px":(side<16).mean(),
         "aspect q50/90":np.percentile(ar,[50,90]).round(2).tolist(),"at border":np.mean(edge),
         "class shares":np.bincount(np.array(cls,int),minlength=4)/len(cls),"grey share":np.mean(grey),
         "rgb mean":np.mean(mean,0).round(1).tolist(),"sat/val (non-grey)":[round(np.mean(sat),1),round(np.mean(val),1)],
         "cx/cy mean":[round(np.mean(cx),3),round(np.mean(cy),3)]}
    return out
for d in sys.argv[1:]:
    print(d); [print(f"  {k:22s} {v}") for k,v in stats(d).items()]
