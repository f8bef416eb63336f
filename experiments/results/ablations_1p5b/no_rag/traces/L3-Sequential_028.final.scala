import chisel3._
import chisel3.util._

class Counter8bit(width: Int = 8) extends Module {
  val io = IO(new Bundle {
    val en    = Input(Bool())
    val count = Output(UInt(width.W))
  })
  val prev  = RegNext(io.en, false.B)
  val count = RegInit(0.U(width.W))
  when(io.en && !prev) { count := count + 1.U }
  io.count := count
}
