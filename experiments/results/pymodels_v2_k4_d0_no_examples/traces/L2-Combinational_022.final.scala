import chisel3._
import chisel3.util._

class ComparatorEq16 extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(16.W))
    val b    = Input(UInt(16.W))
    val result = Output(UInt(1.W))
  })
  io.result := io.a === io.b
}
