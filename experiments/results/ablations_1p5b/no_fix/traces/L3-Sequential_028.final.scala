import chisel3._
import chisel3.util._

class Counter8bit extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val count = Output(UInt(8.W))
    val reset = Input(Bool())
    val enable = Input(Bool())
  })
  val prev = RegNext(io.in, false.B)
  val count = RegInit(0.U(8.W))
  when(io.enable && !prev) { count := count + 1.U }
  io.count := count
}
