//! Times `media::process` on a generated 12-megapixel JPEG (4000 × 3000,
//! quality 90, with photographic detail: gradients, texture and noise so
//! that it compresses like a photograph), on the calling thread (the
//! `image` crate is built without rayon: one core). Run it through
//! `scripts/bench-image.sh`, which pins it to one CPU. It prints the wall
//! time and the processing thread's CPU time.

use std::time::Instant;

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(5);
    let (w, h) = (4000u32, 3000u32);
    // A small xorshift for the noise: the same picture on every run.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 24) as i32 - 12
    };
    let img = RgbImage::from_fn(w, h, |x, y| {
        let fx = x as f32 / w as f32;
        let fy = y as f32 / h as f32;
        let wave = ((fx * 37.0).sin() * (fy * 23.0).cos() * 40.0) as i32;
        let base = [(fx * 200.0) as i32 + 30, (fy * 180.0) as i32 + 40, ((fx + fy) * 90.0) as i32 + 50];
        let n = noise();
        Rgb(base.map(|c| (c + wave + n).clamp(0, 255) as u8))
    });
    let mut upload = Vec::new();
    JpegEncoder::new_with_quality(&mut upload, 90).encode_image(&img).unwrap();
    drop(img);
    println!(
        "input: generated {w} x {h} JPEG ({:.1} megapixels), {:.2} MB",
        f64::from(w * h) / 1e6,
        upload.len() as f64 / 1e6
    );
    let limits = media::Limits::default();
    let mut times = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let cpu_start = cpu_time::ThreadTime::now();
        let picture = media::process(&upload, Some("photo.jpg"), &limits).expect("the picture is accepted");
        cpu.push(cpu_start.elapsed().as_secs_f64());
        times.push(start.elapsed().as_secs_f64());
        last = Some(picture);
    }
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let picture = last.expect("at least one run");
    for v in &picture.variants {
        println!(
            "  variant {:>4} x {:<4} {}  {:>7.1} KB",
            v.width,
            v.height,
            v.output.extension(),
            v.bytes.len() as f64 / 1e3
        );
    }
    let total: usize = picture.variants.iter().map(|v| v.bytes.len()).sum();
    println!("  stored in all: {:.1} KB", total as f64 / 1e3);
    println!(
        "process (decode, orient, 4 resizes, 4 encodes, hashes): median {:.3} s, min {:.3} s, max {:.3} s over {runs} runs; target < 2 s on one core: {}",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        if times[times.len() / 2] < 2.0 { "MET" } else { "MISSED" }
    );
    // The thread's own CPU time: what the work costs one core, whatever
    // else the machine is doing (wall time grows when other work shares it).
    println!(
        "CPU time of the processing thread: median {:.3} s, min {:.3} s (wall time above includes waiting for a shared CPU)",
        cpu[cpu.len() / 2],
        cpu[0]
    );
}
