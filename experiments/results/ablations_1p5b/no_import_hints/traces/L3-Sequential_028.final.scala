import chisel3._
import chisel3.util._

class Counter8bit(enable: Bool = true.B, reset: Bool = false.B) extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val en    = Input(Bool())
    val count = Output(UInt(8.W))
  })
  val prev  = RegNext(io.in, false.B)
  val count = RegInit(0.U(8.W))
  when(io.en && !prev) { count := count + 1.U }
  io.count := count
}
