import chisel3._
import chisel3.util._

class TrafficLight extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool());
    val light = Output(UInt(2.W));
    val timer = Output(UInt(3.W))
  })

  val sGreen :: sYellow :: sRed :: Nil = Enum(3)
  val lightReg = RegInit(sGreen)

  when(io.en) {
    switch(lightReg) {
      is(sGreen) {
        lightReg := sYellow
        when(io.timer === 0) {
          lightReg := sRed
          io.timer := 3.U
        } .otherwise {
          io.timer := io.timer - 1.U
        }
      }
      is(sYellow) {
        lightReg := sRed
        when(io.timer === 0) {
          lightReg := sGreen
          io.timer := 3.U
        } .otherwise {
          io.timer := io.timer - 1.U
        }
      }
      is(sRed) {
        lightReg := sGreen
        when(io.timer === 0) {
          lightReg := sYellow
          io.timer := 3.U
        } .otherwise {
          io.timer := io.timer - 1.U
        }
      }
    }
  }
  io.light := lightReg.asUInt
  io.timer := io.timer.asUInt
}
