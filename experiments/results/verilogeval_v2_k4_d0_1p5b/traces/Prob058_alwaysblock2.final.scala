import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val a     = Input(UInt(1.W))
    val b     = Input(UInt(1.W))
    val out_assign = Output(UInt(1.W))
    val out_always_comb = Output(UInt(1.W))
    val out_always_ff = Output(UInt(1.W))
  })
  val out_assign = io.a ^ io.b
  val out_always_comb = io.a ^ io.b
  val out_always_ff = io.a ^ io.b
  io.out_assign := out_assign
  io.out_always_comb := out_always_comb
  io.out_always_ff := out_always_ff
}
