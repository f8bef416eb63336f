import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk  = Input(Clock())
    val reset = IO(Input(Bool()))
    val in    = Input(UInt(4.W))
    val out   = Output(UInt(4.W))
  })
  val reg = RegInit(0.U(4.W))
  when(io.reset) {
    reg := 0.U(4.W)
  }.elsewhen(io.clk) {
    reg := reg + io.in
  }
  io.out := reg
}
