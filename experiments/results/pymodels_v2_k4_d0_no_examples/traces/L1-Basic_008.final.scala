import chisel3._
import chisel3.util._

class WireConst extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(16.W))
  })
  val wireConst = Wire(UInt(16.W)) // Internal Wire to hold the constant value 1234
  wireConst := 1234.U // Assign the constant value to the Wire
  io.out := wireConst
}
