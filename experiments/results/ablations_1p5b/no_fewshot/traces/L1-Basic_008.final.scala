import chisel3._
import chisel3.util._

class WireConst extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val out = Output(UInt(16.W))
  })

  val wireConst = WireDefault(3.U(8.W))  // Default value to 1234
  io.out := wireConst.asUInt  // Drive the output with the default value

  when(io.en) {
    wireConst := VecInit(3.U(8.W))  // Assign a new value when enabled
  }
}
