import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(4.W))
    val out_both = Output(UInt(4.W))
    val out_any = Output(UInt(4.W))
    val out_different = Output(UInt(4.W))
  })
  val out_both = RegInit(0.U(4.W))
  val out_any = RegInit(0.U(4.W))
  val out_different = RegInit(0.U(4.W))
  val prev_in = RegInit(0.U(4.W))
  val prev_out_both = RegInit(0.U(4.W))
  val prev_out_any = RegInit(0.U(4.W))
  val prev_out_different = RegInit(0.U(4.W))
  when(io.in > prev_in) {
    out_both := out_both | (io.in & ~prev_in)
    out_any := out_any | (io.in | ~prev_in)
    out_different := out_different | (io.in ^ prev_in)
  }
  prev_in := io.in
  prev_out_both := out_both
  prev_out_any := out_any
  prev_out_different := out_different
  io.out_both := out_both
  io.out_any := out_any
  io.out_different := out_different
}
